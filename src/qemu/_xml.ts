/**
 * @module A tiny element model for building XML as data, serialised once (with escaping) by fast-xml-parser.
 * Pure: no I/O.
 */
import { XMLBuilder } from 'fast-xml-parser';

/** An XML element: name, attributes (undefined values are left out) and children. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string | number | undefined>>;
  readonly children: readonly (XmlElement | string)[];
}

/** Builds an element; a string child is text. */
export function el(
  name: string,
  attributes: Readonly<Record<string, string | number | undefined>> = {},
  children: readonly (XmlElement | string | null | false)[] = [],
): XmlElement {
  return {
    name,
    attributes,
    children: children.filter((c): c is XmlElement | string => c !== null && c !== false),
  };
}

type Ordered = Record<string, unknown>;

function toOrdered(element: XmlElement): Ordered {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(element.attributes)) {
    if (value !== undefined) attributes[`@_${key}`] = String(value);
  }
  const children = element.children.map((child) =>
    typeof child === 'string' ? { '#text': child } : toOrdered(child),
  );
  return Object.keys(attributes).length > 0
    ? { [element.name]: children, ':@': attributes }
    : { [element.name]: children };
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

/** Serialises an element tree to indented XML text ending in a newline. */
export function renderXml(root: XmlElement): string {
  return `${String(builder.build([toOrdered(root)])).trim()}\n`;
}
