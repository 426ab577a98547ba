/** IPC channel names shared by main and preload. */
export const HOST_CHANNEL = 'till:host';
export const DEVICE_CHANNEL = 'till:device';
