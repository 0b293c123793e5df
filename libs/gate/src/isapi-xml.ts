/**
 * A strict reader for the small XML a camera sends (Hikvision ISAPI `EventNotificationAlert`), written by hand
 * rather than taken from a general XML library: an alert needs elements, attributes, text, comments and CDATA, and
 * nothing else. There is no DTD, so no entity can be declared, let alone expanded; the only references are XML's five
 * (`&lt;` `&gt;` `&amp;` `&apos;` `&quot;`) and character references. One pass over text already capped in size,
 * with the nesting depth, the element count and each element's attributes capped as it goes, and no recursion.
 * (fast-xml-parser, the usual choice, was weighed: it expands DOCTYPE entities, its entity handling had several
 * denial-of-service advisories in 2026 (CVE-2026-26278, then CVE-2026-33036 bypassing its fix), and it is lenient,
 * so it would need its validator as a second pass over the same text.)
 */

/** An element with its local name (any prefix dropped: Hikvision's and isapi.org's namespaces read alike). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Its own text (character data and CDATA, references decoded), children's text not included. */
  text: string;
}

export interface XmlCaps {
  /** Deepest nesting of elements, the root being depth 1. */
  depth: number;
  /** Elements in the whole document. */
  elements: number;
  /** Attributes on one element (namespace declarations included). */
  attributes: number;
}

/** Why a text is refused: `declaration` for DTDs, entities, processing instructions and the caps; `encoding` for an
 * XML declaration naming another encoding than UTF-8; `malformed` for anything not well-formed. */
export class XmlRefused extends Error {
  constructor(
    readonly reason: 'declaration' | 'encoding' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'XmlRefused';
  }
}

const malformed = (message: string) => new XmlRefused('malformed', message);
const notAllowed = (message: string) => new XmlRefused('declaration', message);

/** Markup that only a DTD can hold, and any processing instruction: refused wherever it stands, comments included. */
const DECLARATION = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)|<\?/i;
/** Control characters but tab, LF and CR (XML 1.0 forbids C0 ones and discourages C1 ones), and U+FFFE, U+FFFF.
 * A UTF-8 decoder never yields a lone surrogate. */
const NOT_XML_CHAR = /(?![\t\n\r])[\p{Cc}\uFFFE\uFFFF]/u;
const NAME = /[A-Za-z_:\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\r\n]*/y;
const XML_DECLARATION = /<\?xml([ \t\r\n][^?]*)?\?>/y;
const PSEUDO_ATTRIBUTE = /([A-Za-z]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const REFERENCE = /&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z_][\w.-]*)?(;?)/g;

/** `raw` with its references decoded: XML's five and character references; anything else is refused. */
function decodeReferences(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (_all, ref: string | undefined, semi: string) => {
    if (!ref || !semi) throw malformed('an "&" that does not start a reference');
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const allowed =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) throw malformed(`character reference &${ref}; is not an XML character`);
      return String.fromCodePoint(code);
    }
    const predefined = PREDEFINED[ref];
    if (predefined === undefined)
      throw notAllowed(`entity &${ref}; is not one of XML's five; entities are not allowed`);
    return predefined;
  });
}

const localName = (qualified: string) => qualified.slice(qualified.lastIndexOf(':') + 1);

/**
 * The document element of `text`. Refuses, before reading a single element, any DTD or entity declaration and any
 * processing instruction (the XML declaration at the very start aside), wherever it stands.
 */
export function readXml(document: string, caps: XmlCaps): XmlElement {
  // A byte order mark a decoder left in place (busboy's does) is not text.
  const text = document.startsWith('\uFEFF') ? document.slice(1) : document;
  let pos = 0;
  XML_DECLARATION.lastIndex = 0;
  const declaration = XML_DECLARATION.exec(text);
  if (declaration) {
    for (const [, key, double, single] of (declaration[1] ?? '').matchAll(PSEUDO_ATTRIBUTE)) {
      const value = (double ?? single).trim();
      if (key === 'encoding' && !/^utf-?8$/i.test(value)) {
        throw new XmlRefused('encoding', `the XML declares encoding "${value}"; alerts must be UTF-8`);
      }
    }
    pos = XML_DECLARATION.lastIndex;
  }
  // What follows the XML declaration may hold no other: any `<?` is a processing instruction.
  if (DECLARATION.test(text.slice(pos))) {
    throw notAllowed('DTDs, entity declarations and processing instructions are not allowed');
  }
  if (NOT_XML_CHAR.test(text)) throw malformed('a control character (only tab, LF and CR may stand in XML)');

  const stack: { qualified: string; element: XmlElement }[] = [];
  let root: XmlElement | undefined;
  let elements = 0;

  const skipSpace = () => {
    SPACE.lastIndex = pos;
    SPACE.exec(text);
    pos = SPACE.lastIndex;
  };
  const readName = (what: string) => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) throw malformed(`${what} without a valid name at offset ${pos}`);
    pos = NAME.lastIndex;
    return m[0];
  };
  const until = (end: string, what: string) => {
    const at = text.indexOf(end, pos);
    if (at < 0) throw malformed(`an unterminated ${what}`);
    const inner = text.slice(pos, at);
    pos = at + end.length;
    return inner;
  };

  while (pos < text.length) {
    const open = stack[stack.length - 1];
    if (text[pos] !== '<') {
      const next = text.indexOf('<', pos);
      const raw = text.slice(pos, next < 0 ? text.length : next);
      pos = next < 0 ? text.length : next;
      if (open) open.element.text += decodeReferences(raw);
      else if (raw.trim()) throw malformed('text outside the document element');
      continue;
    }
    if (text.startsWith('<!--', pos)) {
      pos += 4;
      until('-->', 'comment');
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (!open) throw malformed('CDATA outside the document element');
      pos += 9;
      open.element.text += until(']]>', 'CDATA section');
    } else if (text.startsWith('<!', pos) || text.startsWith('<?', pos)) {
      throw notAllowed('markup declarations and processing instructions are not allowed');
    } else if (text.startsWith('</', pos)) {
      pos += 2;
      const qualified = readName('a closing tag');
      skipSpace();
      if (text[pos] !== '>') throw malformed(`a closing tag </${qualified} that does not end with ">"`);
      pos++;
      if (!open || open.qualified !== qualified) {
        throw malformed(`</${qualified}> closes ${open ? `<${open.qualified}>` : 'nothing'}`);
      }
      stack.pop();
    } else {
      pos++;
      const qualified = readName('a tag');
      if (root && !open) throw malformed('a second document element');
      if (++elements > caps.elements) throw notAllowed(`more than ${caps.elements} elements`);
      if (stack.length + 1 > caps.depth) throw notAllowed(`elements nested deeper than ${caps.depth} levels`);
      const element: XmlElement = { name: localName(qualified), attributes: {}, children: [], text: '' };
      const seen = new Set<string>();
      for (;;) {
        const before = pos;
        skipSpace();
        if (text.startsWith('/>', pos) || text[pos] === '>') break;
        if (pos === before) throw malformed(`<${qualified}> with no space before an attribute`);
        const attribute = readName(`an attribute of <${qualified}>`);
        if (seen.has(attribute)) throw malformed(`<${qualified}> repeats the attribute ${attribute}`);
        seen.add(attribute);
        if (seen.size > caps.attributes) throw notAllowed(`more than ${caps.attributes} attributes on one element`);
        skipSpace();
        if (text[pos] !== '=') throw malformed(`the attribute ${attribute} of <${qualified}> has no value`);
        pos++;
        skipSpace();
        const quote = text[pos];
        if (quote !== '"' && quote !== "'")
          throw malformed(`the attribute ${attribute} of <${qualified}> is not quoted`);
        pos++;
        const value = until(quote, 'attribute value');
        if (value.includes('<')) throw malformed(`a "<" in the attribute ${attribute} of <${qualified}>`);
        element.attributes[localName(attribute)] = decodeReferences(value);
      }
      if (open) open.element.children.push(element);
      else root = element;
      if (text[pos] === '>') {
        pos++;
        stack.push({ qualified, element });
      } else {
        pos += 2;
      }
    }
  }
  if (stack.length) throw malformed(`<${stack[stack.length - 1].qualified}> is never closed`);
  if (!root) throw malformed('no document element');
  return root;
}

/** The first child of `element` with this local name. */
export const childNamed = (element: XmlElement | undefined, name: string): XmlElement | undefined =>
  element?.children.find((c) => c.name === name);

/** The trimmed text of the first child with this local name, or undefined when it is missing or empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const text = childNamed(element, name)?.text.trim();
  return text ? text : undefined;
}
