import { contextBridge, ipcRenderer } from 'electron';
import { DEVICE_CHANNEL, HOST_CHANNEL } from './ipcChannels';

/**
 * The only surface the renderer sees: one request function and one event stream.
 * Payloads are validated in main (requests) and in the renderer (events).
 */
contextBridge.exposeInMainWorld('loyaltyTillHost', {
  request: (request: unknown): Promise<unknown> => ipcRenderer.invoke(HOST_CHANNEL, request),
  onDeviceEvent: (listener: (event: unknown) => void): (() => void) => {
    const handler = (_e: unknown, event: unknown) => listener(event);
    ipcRenderer.on(DEVICE_CHANNEL, handler);
    return () => ipcRenderer.removeListener(DEVICE_CHANNEL, handler);
  },
});

// A middle click (auxclick) opens nothing and follows nothing: the till has one window and one page.
window.addEventListener(
  'auxclick',
  (e) => {
    if (e.button === 1) e.preventDefault();
  },
  true,
);
