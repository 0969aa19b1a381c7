/**
 * modbus-emu's public API (docs/api.md): what a user needs, and a promise kept across minor
 * versions. test/api-surface.test.ts lists every name, so a new export is a deliberate change.
 * The building blocks behind it are in `modbus-emu/internal` (src/internal.ts), which is unstable.
 */

// Start a device from a profile (a test fixture).
export { startEmulator } from './watch/emulator.js';
export type { Emulator, EmulatorOptions, EmulatorEvents, UnitSelector } from './runtime/emulator.js';
export type { TlsFileOptions } from './runtime/options.js';
export type { ReloadResult, ReloadSuccess, ReloadFailure } from './runtime/runtime.js';
export type { StateDocument } from './model/state-snapshot.js';
export type { DeviceChanges } from './runtime/changes.js';
export type { Journal, JournalFilter, EventFilter, EventRecord, JournalKind, JournalRecord } from './runtime/journal.js';
export type { DeviceEvent } from './model/events.js';
export type { MachineStatus } from './model/live.js';
export type { DeviceModes, OfflineAnswer } from './model/modes.js';
export type { ScenarioInfo, ScenarioStatus } from './runtime/scenario-runner.js';
export type { Scenario, Phase, Modes } from './profile/types.generated.js';
export type { RequestRecord, RequestOutcome } from './runtime/request-record.js';
export { bundledDevice, bundledDevices } from './runtime/bundled-devices.js';

// Load, validate and compile a profile; the compiled device.
export { loadProfileFile, loadProfileObject, loadProfileText, getProfileSchema } from './profile/load.js';
export type { LoadedProfile, LoadResult } from './profile/loaded.js';
export { compileProfile } from './compiler/compile.js';
export type { CompileOptions, CompileResult } from './compiler/compile.js';
export type { CompiledProfile, CompiledUnit, PointInfo, PointValue, Access, HandOver, ServerSettings } from './model/types.js';
export type { TableName } from './model/table-names.js';

// Errors and diagnostics.
export { formatDiagnostic, ProfileError } from './profile/diagnostics.js';
export { StateFileError } from './runtime/state-file.js';
export { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from './errors.js';
export type { Diagnostic, DiagnosticCode, SourceLocation } from './profile/diagnostics.js';
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
export { ExceptionCode, FunctionCode } from './protocol/constants.js';
export { SERIAL_DEFAULTS } from './protocol/rtu.js';
export type { SerialLine } from './protocol/rtu.js';

// Profile types (generated from schemas/device-profile.schema.json).
export type { DeviceProfile, Fault, FaultAction, FaultMatch, FaultTrigger } from './profile/types.generated.js';

// The DataSource seam: serve data of your own.
export type { DataSource, Table, BitValues, RegisterValues, MaybePromise } from './device/data-source.js';
export { createDeviceHandler } from './device/handler.js';
export type { DeviceHandlerOptions } from './device/handler.js';
export type { Diagnostics, DiagnosticCounts, ListenOnlyCause } from './device/diagnostics.js';
export { InMemoryDataSource } from './device/memory.js';
export { createIdentity, DEFAULT_IDENTITY_OPTIONS } from './device/identity.js';
export type { DeviceIdentity, IdentityOptions } from './device/identity.js';
export { ModbusTcpServer, DEFAULT_IDLE_TIMEOUT_MS } from './server/server.js';
export type { ServerOptions, BoundAddress, ConnectionPolicy, AcceptMode } from './server/server.js';
export type { TrafficLevel } from './server/trace.js';

// Time, chance and logging: real ones for running, manual ones and fixed seeds for tests.
export { ManualClock, realClock } from './runtime/clock.js';
export type { ScaledClock } from './runtime/clock.js';
export { ManualTimer, realTimer } from './runtime/timers.js';
export { createEnvironment } from './runtime/environment.js';
export type { EnvironmentOptions } from './runtime/environment.js';
export type { Environment } from './environment.js';
export type { Clock, Timer, TimerHandle, RandomSource } from './time.js';
export { createLogger, defaultLogger, silentLogger } from './log.js';
export type { Logger, LogLevel } from './log.js';
