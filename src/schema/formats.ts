/**
 * The `format` values wf understands. Each comes with a check (used by the validator, so that a
 * model's malformed date is sent back as feedback) and a sample (used by minimal instances, so the
 * mock and the dry run produce values that pass that check). Other formats are annotations only,
 * as in JSON Schema 2019-09 and later; ajv-formats is not a dependency, hence this short list.
 */

export interface FormatSpec {
  check: RegExp;
  sample: string;
}

const DATE = '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])';
// Models often omit the zone; accepting that costs nothing and saves a retry.
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?';
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

export const FORMATS: Readonly<Record<string, FormatSpec>> = {
  'date-time': { check: new RegExp(`^${DATE}[t ]${TIME}$`, 'i'), sample: '2000-01-01T00:00:00Z' },
  date: { check: new RegExp(`^${DATE}$`), sample: '2000-01-01' },
  time: { check: new RegExp(`^${TIME}$`, 'i'), sample: '00:00:00Z' },
  email: { check: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, sample: 'x@example.com' },
  uri: { check: /^[a-z][a-z0-9+.-]*:[^\s]*$/i, sample: 'https://example.com' },
  url: { check: /^[a-z][a-z0-9+.-]*:[^\s]*$/i, sample: 'https://example.com' },
  uuid: {
    check: /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
    sample: '00000000-0000-4000-8000-000000000000',
  },
  ipv4: { check: new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`), sample: '127.0.0.1' },
  hostname: { check: new RegExp(`^(?=.{1,253}\\.?$)${LABEL}(?:\\.${LABEL})*\\.?$`, 'i'), sample: 'example.com' },
};
