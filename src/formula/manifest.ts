/**
 * @module Builds one portal's manifest from its lineage: merged settings plus the derived fields (node,
 * names, lineage digests), checked against the manifest schema, and its content hash. The hash covers the
 * lineage digests, so a change anywhere up the tree changes the hash of every descendant.
 * Pure: no I/O.
 */
import { digestJson } from '../digest/index.js';
import type { Diagnostic, SourceLocation } from '../errors/index.js';
import { type Layer, mergeLayers, type Origin, originOf, type Provenance } from './merge.js';
import { type ParsedFormula, valueAt } from './parse.js';
import { type DerivedFields, MANIFEST_SCHEMA, type Manifest } from './schema.js';
import { formatPath } from './yaml-locate.js';

/** The DNS-style portal name of a node: `application/browser/firefox` → `firefox.browser.application.portal`. */
export function portalNameOf(node: string): string {
  return [...node.split('/').reverse(), 'portal'].join('.');
}

/** Whether a portal routes a network (holds a network's .1): the router portals universe, galaxy and star. */
export function isRouterPortal(manifest: Pick<Manifest, 'networks'>): boolean {
  return manifest.networks.some((attachment) => attachment.router);
}

/** A resolved formula: its manifest, the manifest's content hash and where each field was set. */
export interface ResolvedFormula {
  readonly manifest: Manifest;
  /** `sha256:<hex>` of the canonical (RFC 8785) manifest. */
  readonly hash: string;
  readonly provenance: Provenance;
  /** The node's own formula file. */
  readonly file: string;
}

/** The outcome of building one manifest. */
export interface BuildResult {
  readonly resolved?: ResolvedFormula;
  readonly diagnostics: readonly Diagnostic[];
}

/** Merges a lineage (node paths, oldest first) into a validated manifest. */
export function buildManifest(
  lineage: readonly string[],
  formulas: ReadonlyMap<string, ParsedFormula>,
): BuildResult {
  const own = formulas.get(lineage.at(-1) ?? '');
  const layers = lineage.map((node) => formulas.get(node)).filter((f): f is ParsedFormula => f !== undefined);
  if (!own || layers.length !== lineage.length) {
    return { diagnostics: [] };
  }
  const { settings, provenance } = mergeLayers(layers.map((f): Layer => ({ ...f, own: f === own })));
  const derived: DerivedFields = {
    schemaVersion: 1,
    node: own.node,
    name: own.node.split('/').at(-1) ?? own.node,
    portalName: portalNameOf(own.node),
    lineage: layers.map((f) => ({ node: f.node, digest: f.digest })),
  };
  const candidate = { ...settings, ...derived };
  const result = MANIFEST_SCHEMA.safeParse(candidate);
  if (!result.success) {
    const root = layers[0]?.file ?? own.file;
    return {
      diagnostics: result.error.issues.map((issue) => {
        const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
        const field = formatPath(path);
        if (valueAt(candidate, path) === undefined) {
          const where = locationOf(originOf(provenance, path), root, field);
          return {
            code: 'formula.missing-field',
            message: `Required field "${field}" is not set`,
            where,
            hint: `Set ${field} in ${where.file}; every formula below it inherits the value.`,
          } satisfies Diagnostic;
        }
        return {
          code: 'formula.invalid',
          message: `${own.node}: ${issue.message} after merging its lineage`,
          where: locationOf(originOf(provenance, path), own.file, field),
          hint: 'Check the inherited values with "portalgun formula show --provenance".',
        } satisfies Diagnostic;
      }),
    };
  }
  const manifest = result.data;
  return { resolved: { manifest, hash: digestJson(manifest), provenance, file: own.file }, diagnostics: [] };
}

/** A diagnostic location for a field: where it was set, or the node's own file when it is a default. */
export function locationOf(origin: Origin, fallbackFile: string, path: string): SourceLocation {
  if (origin === 'default') return { file: fallbackFile, line: 1, column: 1, path };
  return { ...origin, path };
}
