import { WfError, type WfErrorOptions } from '../errors.js';

/** A configuration file that cannot be used: unreadable, not JSON, or a wrong key or type. Exit 2. */
export class ConfigError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_CONFIG', message, options);
    this.name = 'ConfigError';
  }
}

/** No model could be chosen: nothing configured and nothing detected. Exit 2. */
export class NoModelError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_NO_MODEL', message, options);
    this.name = 'NoModelError';
  }
}

/** A model spec names a provider or alias that does not exist. Exit 2 before the run; a failed agent during it. */
export class UnknownModelError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_UNKNOWN_MODEL', message, options);
    this.name = 'UnknownModelError';
  }
}
