import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The export list of each package entry, name and kind: every public name is a promise
 * (docs/api.md), so adding, removing or turning a value into a type is a deliberate change made
 * here, in docs/api.md and in CHANGELOG.md. `modbus-emu/internal` is unstable, but listed too, so
 * that what it offers is chosen rather than grown.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

type Kind = 'value' | 'type';

/** The names an entry exports, sorted, each as `name: value` (usable at run time) or `name: type`. */
function exportsOf(entries: readonly string[]): Record<string, Record<string, Kind>> {
  const files = entries.map((e) => `${ROOT}${e}`);
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, noLib: true, types: [] });
  const checker = program.getTypeChecker();
  const out: Record<string, Record<string, Kind>> = {};
  entries.forEach((entry, i) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(files[i]!)!)!;
    const list: [string, Kind][] = checker.getExportsOfModule(module).map((s) => {
      const declaration = s.declarations?.[0];
      const typeOnly = declaration !== undefined && ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly);
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return [s.name, !typeOnly && target.flags & ts.SymbolFlags.Value ? 'value' : 'type'];
    });
    out[entry] = Object.fromEntries(list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
  return out;
}

const PUBLIC: Record<string, Kind> = {
  AcceptMode: 'type',
  Access: 'type',
  BadRequestError: 'value',
  BitValues: 'type',
  BoundAddress: 'type',
  Clock: 'type',
  CompileOptions: 'type',
  CompileResult: 'type',
  CompiledProfile: 'type',
  CompiledUnit: 'type',
  ConflictError: 'value',
  ConnectionPolicy: 'type',
  CustomModbusError: 'value',
  DEFAULT_IDENTITY_OPTIONS: 'value',
  DEFAULT_IDLE_TIMEOUT_MS: 'value',
  DataSource: 'type',
  DeviceChanges: 'type',
  DeviceEvent: 'type',
  DeviceHandlerOptions: 'type',
  DiagnosticCounts: 'type',
  Diagnostics: 'type',
  DeviceIdentity: 'type',
  DeviceModes: 'type',
  DeviceProfile: 'type',
  Diagnostic: 'type',
  DiagnosticCode: 'type',
  Emulator: 'type',
  EmulatorEvents: 'type',
  EmulatorOptions: 'type',
  Environment: 'type',
  EnvironmentOptions: 'type',
  EventFilter: 'type',
  EventRecord: 'type',
  ExceptionCode: 'value',
  Fault: 'type',
  FaultAction: 'type',
  FaultMatch: 'type',
  FaultTrigger: 'type',
  ForbiddenError: 'value',
  FunctionCode: 'value',
  GatewayPathUnavailable: 'value',
  GatewayTargetDeviceFailedToRespond: 'value',
  HandOver: 'type',
  IdentityOptions: 'type',
  IllegalDataAddress: 'value',
  IllegalDataValue: 'value',
  IllegalFunction: 'value',
  InMemoryDataSource: 'value',
  Journal: 'type',
  JournalFilter: 'type',
  JournalKind: 'type',
  JournalRecord: 'type',
  ListenOnlyCause: 'type',
  LoadResult: 'type',
  LoadedProfile: 'type',
  LogLevel: 'type',
  Logger: 'type',
  MachineStatus: 'type',
  ManualClock: 'value',
  ManualTimer: 'value',
  MaybePromise: 'type',
  ModbusError: 'value',
  ModbusTcpServer: 'value',
  Modes: 'type',
  NotFoundError: 'value',
  OfflineAnswer: 'type',
  Phase: 'type',
  PointInfo: 'type',
  PointValue: 'type',
  ProfileError: 'value',
  RandomSource: 'type',
  RegisterValues: 'type',
  ReloadFailure: 'type',
  ReloadResult: 'type',
  ReloadSuccess: 'type',
  RequestOutcome: 'type',
  RequestRecord: 'type',
  SERIAL_DEFAULTS: 'value',
  ScaledClock: 'type',
  Scenario: 'type',
  ScenarioInfo: 'type',
  ScenarioStatus: 'type',
  SerialLine: 'type',
  ServerDeviceBusy: 'value',
  ServerDeviceFailure: 'value',
  ServerOptions: 'type',
  ServerSettings: 'type',
  SourceLocation: 'type',
  StateDocument: 'type',
  StateFileError: 'value',
  Table: 'type',
  TableName: 'type',
  Timer: 'type',
  TimerHandle: 'type',
  TlsFileOptions: 'type',
  TrafficLevel: 'type',
  UnitSelector: 'type',
  bundledDevice: 'value',
  bundledDevices: 'value',
  compileProfile: 'value',
  createDeviceHandler: 'value',
  createEnvironment: 'value',
  createIdentity: 'value',
  createLogger: 'value',
  defaultLogger: 'value',
  formatDiagnostic: 'value',
  getProfileSchema: 'value',
  loadProfileFile: 'value',
  loadProfileObject: 'value',
  loadProfileText: 'value',
  realClock: 'value',
  realTimer: 'value',
  silentLogger: 'value',
  startEmulator: 'value',
};

const INTERNAL: Record<string, Kind> = {
  ConnectionInfo: 'type',
  DEFAULT_DEBOUNCE_MS: 'value',
  DEFAULT_JOURNAL_SIZE: 'value',
  DeviceResult: 'type',
  Exchange: 'type',
  FaultSet: 'type',
  Handler: 'type',
  Journal: 'value',
  ListenerSettings: 'type',
  MAX_SEED: 'value',
  Middleware: 'type',
  Outcome: 'type',
  ProfileSource: 'type',
  ProfileWatcher: 'type',
  Rng: 'type',
  Runtime: 'value',
  RuntimeEvents: 'type',
  RuntimeOptions: 'type',
  RuntimeSettings: 'type',
  SILENCE: 'value',
  ServedDevice: 'type',
  StartWatching: 'type',
  WatchOptions: 'type',
  WireChunk: 'type',
  compose: 'value',
  createEmulator: 'value',
  exception: 'value',
  isCompiledProfile: 'value',
  loadDevice: 'value',
  response: 'value',
  runtimeOptions: 'value',
  seededRandom: 'value',
  watchRuntime: 'value',
};

describe('the package entries export exactly their lists', () => {
  const found = exportsOf(['src/index.ts', 'src/internal.ts']);

  it('modbus-emu (the public API of docs/api.md)', () => {
    expect(found['src/index.ts']).toEqual(PUBLIC);
  });

  it('modbus-emu/internal (unstable)', () => {
    expect(found['src/internal.ts']).toEqual(INTERNAL);
  });

  it('what the lists call values exist at run time, and nothing else does', async () => {
    const values = (list: Record<string, Kind>) => Object.keys(list).filter((name) => list[name] === 'value');
    expect(Object.keys(await import('../src/index.js')).sort()).toEqual(values(PUBLIC));
    expect(Object.keys(await import('../src/internal.js')).sort()).toEqual(values(INTERNAL));
  });
}, 30_000);
