export { compileProfile } from './compile.js';
export type { CompiledProfile, CompiledUnit, CompileResult, PointInfo, PointValue, Access, ServerSettings } from './types.js';
