/**
 * @module A value as YAML text, for the commands that print YAML. Commands load it inside their action
 * (`await import()`, see program.ts): `yaml` is large, and being CommonJS, its own dynamic import would give
 * the bundle only a default export.
 */
import { stringify } from 'yaml';

/** `value` as a YAML document. */
export function yamlText(value: unknown): string {
  return stringify(value);
}
