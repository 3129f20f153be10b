/**
 * The preload exposes exactly one function per contract channel, plus one event subscription,
 * through contextBridge. ipcRenderer itself never reaches the page, and listeners never see the
 * IpcRendererEvent.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, TOPICS, type Topic } from '../shared/ipc/contract.js';

const PREFIX = 'studio:';
const EVENT_CHANNEL = 'studio:event';

const channels = Object.fromEntries(CHANNEL_NAMES.map((name) => [name, (input: unknown) => ipcRenderer.invoke(PREFIX + name, input)]));

function onEvent(listener: (topic: Topic, payload: unknown) => void): () => void {
  const wrapped = (_event: unknown, topic: Topic, payload: unknown) => {
    if (TOPICS.includes(topic)) listener(topic, payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
}

contextBridge.exposeInMainWorld('studio', { channels, onEvent });
