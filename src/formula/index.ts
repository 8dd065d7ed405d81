/**
 * @module Public surface of the formula domain: parsing, resolution, the manifest type, the address plan and
 * the generated schema and reference.
 * Pure: no I/O (the reader of formula trees lives in `formula/host`).
 */
export {
  ADDRESS_RANGES,
  type AddressRole,
  addressOn,
  allocateApplicationAddress,
  cidrOf,
  hostNumberOn,
  macFor,
  NETWORK_NAMES,
  NETWORKS,
  type NetworkName,
  PORTAL_MAC_PREFIX,
  parseIpv4,
  roleOfHost,
} from './address-plan.js';
export { findFormula, lookupFormula, manifestsOf, requireStartable } from './find.js';
export { PCI_ADDRESS, PORTAL_CLASSES, type PortalClass } from './formula-fields.js';
export { FORMULA_SCHEMA_ID, renderFormulaJsonSchema } from './json-schema.js';
export { parentOf } from './lineage.js';
export { isRouterPortal, portalNameOf, type ResolvedFormula } from './manifest.js';
export { type Origin, originOf, type Provenance } from './merge.js';
export type { FormulaSource } from './parse.js';
export { renderFormulaReference } from './reference-doc.js';
export { type Catalogue, compareText, resolveCatalogue } from './resolve.js';
export {
  FORMULA_DOC_SCHEMA,
  type LineageEntry,
  MANIFEST_SCHEMA,
  type Manifest,
  type NetworkAttachment,
} from './schema.js';
export { digestFormulaSources, type SentTree, sourcesOfSentTree } from './tree-digest.js';
export { formatUsbSelector, parseUsbSelector, type UsbSelector } from './usb-selector.js';
export { type FieldPath, formatPath } from './yaml-locate.js';
