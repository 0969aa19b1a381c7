import { stringify } from 'yaml';

/**
 * Values as YAML documents separated by `---` (Kubernetes manifests, `modbus-emu fleet k8s`).
 * Here because `yaml` is the profile area's package (docs/architecture.md).
 */
export function yamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => stringify(v, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
