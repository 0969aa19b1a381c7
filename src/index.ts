/** modbus-emu public API. Explicit list: anything not here is internal. */
export { ModbusTcpServer, DEFAULT_IDLE_TIMEOUT_MS } from './server/server.js';
export type { ServerOptions, BoundAddress, ConnectionPolicy } from './server/server.js';
export type { TrafficLevel } from './server/trace.js';
export { createDeviceHandler } from './device/handler.js';
export type { DeviceHandlerOptions } from './device/handler.js';
export { InMemoryDataSource } from './device/memory.js';
export type { DataSource, Table, BitValues, RegisterValues, MaybePromise } from './device/data-source.js';
export { createIdentity, DEFAULT_IDENTITY_OPTIONS } from './device/identity.js';
export type { DeviceIdentity, IdentityOptions } from './device/identity.js';
export {
  ModbusError,
  IllegalFunction,
  IllegalDataAddress,
  IllegalDataValue,
  ServerDeviceFailure,
  ServerDeviceBusy,
  GatewayPathUnavailable,
  GatewayTargetDeviceFailedToRespond,
  CustomModbusError,
} from './device/errors.js';
export { compose, exception, response, SILENCE } from './pipeline/compose.js';
export type { Exchange, Outcome, Handler, Middleware, WireChunk, ConnectionInfo } from './pipeline/types.js';
// Time and chance: real ones for running, manual ones and fixed seeds for tests.
export { realTimer, ManualTimer } from './runtime/timers.js';
export { realClock, ManualClock } from './runtime/clock.js';
export type { ScaledClock } from './runtime/clock.js';
export { seededRandom, MAX_SEED } from './runtime/random.js';
export { createEnvironment } from './runtime/environment.js';
export type { EnvironmentOptions } from './runtime/environment.js';
export type { Environment } from './environment.js';
export type { Timer, TimerHandle, Clock, Rng, RandomSource } from './time.js';
export { createLogger, defaultLogger, silentLogger } from './log.js';
export type { Logger, LogLevel } from './log.js';
export { ExceptionCode, FunctionCode } from './protocol/constants.js';

// Device profiles: load, validate, compile, run.
export { startEmulator } from './watch/emulator.js';
export { watchRuntime, DEFAULT_DEBOUNCE_MS } from './watch/watcher.js';
export type { ProfileWatcher, WatchOptions } from './watch/watcher.js';
export { Journal, DEFAULT_JOURNAL_SIZE } from './runtime/journal.js';
export type { JournalFilter, EventFilter, EventRecord, JournalKind, JournalRecord } from './runtime/journal.js';
export type { DeviceEvent } from './model/events.js';
export type { MachineStatus } from './model/live.js';
export type { RequestRecord, RequestOutcome } from './runtime/request-record.js';
export type { DeviceChanges } from './runtime/changes.js';
export { Runtime } from './runtime/runtime.js';
export type { RuntimeOptions, RuntimeEvents, ListenerSettings, ReloadResult, ReloadSuccess, ReloadFailure, ProfileSource } from './runtime/runtime.js';
export type { Emulator, EmulatorOptions, EmulatorEvents, UnitSelector } from './runtime/emulator.js';
export { loadDevice } from './runtime/load-device.js';
export { bundledDevice, bundledDevices } from './runtime/bundled-devices.js';
export type { DeviceResult } from './runtime/load-device.js';
export type { TableName } from './model/table-names.js';
export { compileProfile } from './compiler/compile.js';
export type { CompileOptions, CompileResult } from './compiler/compile.js';
export type {
  CompiledProfile,
  CompiledUnit,
  PointInfo,
  PointValue,
  Access,
  ServerSettings,
  ServedDevice,
  HandOver,
  FaultSet,
} from './model/types.js';
export { loadProfileFile, loadProfileObject, loadProfileText, getProfileSchema } from './profile/load.js';
export { formatDiagnostic, ProfileError } from './profile/diagnostics.js';
export type { Diagnostic, DiagnosticCode, SourceLocation } from './profile/diagnostics.js';
export type { LoadedProfile, LoadResult } from './profile/loaded.js';
export type { DeviceProfile, Fault as FaultRule, FaultAction, FaultMatch, FaultTrigger } from './profile/types.generated.js';
