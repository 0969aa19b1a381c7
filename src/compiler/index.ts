export { compileProfile } from './compile.js';
export type { CompiledProfile, CompiledUnit, CompileResult, PointInfo, PointValue, Access, ServerSettings } from '../model/types.js';
