// What the TypeScript fragments of the guides take from the app around them, declared for the
// type-check (TS_GLOBALS) and defined for the runnable ones (tsRuntime). Declared loosely where
// only the app knows the type; the SDK's own names are always the real ones.

export const TS_GLOBALS = `
type Sdk = typeof import('@barqnet/client');
declare const client: ReturnType<Sdk['createBarqnetClient']>;
declare const device: Required<import('@barqnet/client').DeviceFields>;
declare const VpnReporter: Sdk['VpnReporter'];
declare const phoneNumber: string, password: string, otp: string, sessionId: string, name: string, locationId: string, installationId: string;
declare const askOtp: import('@barqnet/client').AskOtp;
declare function showCodeScreen(phoneNumber: string, attempt: number): Promise<string>;
declare function askRenderer(channel: string, data?: unknown): Promise<string>;
declare function show(message: string): void;
declare function disableFor(seconds: number): void;
declare function showFields(details: unknown): void;
declare const mainWindow: { webContents: { send(channel: string, ...args: unknown[]): void } } | undefined;
declare const app: { getVersion(): string };
declare const powerMonitor: { on(event: string, listener: () => void): void };
declare const settings: { get(key: string): any; set(key: string, value: unknown): void };
declare const openvpn: { byteCount(): { bytesIn: number; bytesOut: number }; on(event: string, listener: (...args: any[]) => void): void };
declare module 'electron-store' {
  export default class Store<T extends Record<string, unknown>> {
    constructor(options?: { name?: string });
    get<K extends keyof T>(key: K): T[K];
    set<K extends keyof T>(key: K, value: T[K]): void;
    delete(key: keyof T): void;
  }
}
declare module 'electron' {
  export const safeStorage: { encryptString(text: string): Buffer; decryptString(data: Buffer): string };
}
`;

/** Definitions the runnable blocks need: the "enter the code" screen reads the code the test-mode server sent. */
export const tsRuntime = (testServer: string) => `
const showCodeScreen = async (phoneNumber: string, _attempt: number): Promise<string> => {
  const response = await fetch('${testServer}/v1/test/auth/bypass', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumber, testMode: true }) });
  return ((await response.json()) as { testOtp: string }).testOtp;
};
`;
