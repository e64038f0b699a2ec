import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../../../src/dispatch/tools/html-to-text.js';

describe('htmlToText', () => {
  it('keeps headings, paragraphs, lists, links and code; drops scripts, styles, nav, header, footer', () => {
    const html = `<!doctype html><html><head><title>The &amp; Title</title><style>body{color:red}</style>
      <script>var x = "<p>not text</p>";</script></head>
      <body><header>Site header</header><nav><a href="/">Home</a></nav>
      <h1>Main   heading</h1>
      <p>First <b>bold</b> paragraph with a <a href="/docs/intro?x=1&amp;y=2">relative link</a>.</p>
      <p>Second&nbsp;paragraph &#8212; &#x263A; &copy;</p>
      <ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
      <h2>Code</h2><pre><code>if (a &lt; b) {
  return;
}</code></pre>
      <p>Inline <code>x()</code> call. <a href="#top">Back</a> <a href="javascript:alert(1)">bad</a></p>
      <noscript>enable js</noscript><svg><text>svg text</text></svg>
      <footer>Copyright footer</footer></body></html>`;
    const text = htmlToText(html, 'https://example.com/guide/page.html');
    expect(text).toBe(
      [
        'Title: The & Title',
        '',
        '# Main heading',
        '',
        'First bold paragraph with a relative link (https://example.com/docs/intro?x=1&y=2).',
        '',
        'Second paragraph — ☺ ©', // &nbsp; collapses like any other space
        '',
        '- one',
        '- two',
        '  - nested',
        '',
        '## Code',
        '',
        '```',
        'if (a < b) {',
        '  return;',
        '}',
        '```',
        '',
        'Inline `x()` call. Back bad',
      ].join('\n'),
    );
    for (const dropped of ['not text', 'Site header', 'Home', 'enable js', 'svg text', 'Copyright', 'color:red']) expect(text).not.toContain(dropped);
  });

  it('handles quoted > in attributes, unclosed tags and stray <', () => {
    expect(htmlToText('<p title="a>b">x < y</p><div>unclosed')).toBe('x < y\n\nunclosed');
    expect(htmlToText('<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>')).toBe('a | b\n1 | 2');
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hex references, and leaves unknown ones', () => {
    expect(decodeEntities('&lt;a&gt; &amp; &quot;q&quot; &#39;s&#39; &#x41;&#66; &unknown; &#150; &#0;')).toBe('<a> & "q" \'s\' AB &unknown; – \ufffd');
  });
});
