import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { IMPORT_LIMITS, ImportError } from './catalogueBatch';

/**
 * An uploaded XML file as a tree of plain objects, read defensively: the bytes are bounded, a
 * DOCTYPE (and with it every entity declaration, internal or external: XXE, "billion laughs")
 * is refused before parsing, nesting is bounded by the parser, and only XML's own entities
 * and character references are decoded. 1C writes UTF-8 (often with a BOM) or windows-1251.
 */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  maxNestedTags: 64,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export function decodeXml(bytes: Uint8Array): string {
  if (bytes.byteLength > IMPORT_LIMITS.maxBytes) {
    throw new ImportError('file_too_large', `The file is larger than ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB; split it into several exchanges.`);
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
  const encoding = declared === 'cp1251' ? 'windows-1251' : declared;
  if (!['utf-8', 'utf8', 'windows-1251'].includes(encoding)) {
    throw new ImportError('unsupported_encoding', `The file is in ${declared}; only UTF-8 and windows-1251 are read.`);
  }
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ImportError('invalid_encoding', `The file is not valid ${encoding}.`);
  }
}

export function parseXml(text: string): XmlNode {
  if (text.length > IMPORT_LIMITS.maxBytes) throw new ImportError('file_too_large', 'The file is too large.');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new ImportError('xml_doctype_refused', 'The file declares a DOCTYPE or entities; exchange files never need them, so they are refused.');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ImportError('xml_invalid', `The file is not well-formed XML (line ${valid.err.line}): ${valid.err.msg}`);
  let tree: unknown;
  try {
    tree = parser.parse(text);
  } catch (e) {
    throw new ImportError('xml_invalid', `The file could not be read as XML: ${(e as Error).message}`);
  }
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) throw new ImportError('xml_invalid', 'The file holds no XML element.');
  return tree as XmlNode;
}

/** The children named `name`, always as a list (the parser gives a single child as a value). */
export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  return children(node, name)[0];
}

/** An element's text: its value, or its #text beside attributes. */
export function text(node: XmlValue | undefined): string {
  if (node === undefined || Array.isArray(node)) return '';
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}

export function attr(node: XmlValue | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

export function childText(node: XmlValue | undefined, name: string): string {
  return text(child(node, name)).trim();
}
