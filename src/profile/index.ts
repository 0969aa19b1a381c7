export { getProfileSchema, loadProfileFile, loadProfileObject, loadProfileText } from './load.js';
export type { LoadFileOptions, LoadObjectOptions, LoadTextOptions } from './load.js';
export { formatDiagnostic, formatPath, ProfileError } from './diagnostics.js';
export type { Diagnostic, SourceLocation } from './diagnostics.js';
export type { LoadedProfile, LoadResult } from './loaded.js';
export type { DeviceProfile } from './types.generated.js';
export { sortDiagnostics } from './sort.js';
