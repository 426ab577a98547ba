/** The device layer's public face. Electron main and the device host import from here only. */
export { createDeviceManager } from './manager';
export type { DeviceInfo, DeviceListener, DeviceManager, DeviceManagerOptions, DeviceType } from './manager';
export { loadDeviceConfig, parseDeviceConfig, DeviceConfigError, DeviceConfig, FramingConfig } from './config';
export type { DeviceConfigInput, DeviceEntry } from './config';
export type { Clock } from './clock';
export type { CardReadResult, PaymentResult, PaymentTerminal } from './payment/paymentTerminal';
export type { Scale, WeighOptions, WeighResult } from './scale/scale';
export type { SerialBackend, SerialLink, SerialPortInfo } from './serial/serialTransport';
export type { HidBackend, HidLink, HidDeviceInfo } from './hid/hidTransport';
// Pure track parsing, for the renderer's keyboard-wedge card reader.
export { parseTracks, classifyCard, DEFAULT_LOYALTY_RULE } from '../core/cardTracks';
export type { Tracks, Track1, Track2, CardRead, LoyaltyRule } from '../core/cardTracks';
