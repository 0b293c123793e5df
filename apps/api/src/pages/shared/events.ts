/**
 * A page's own events, typed by name: a concern module says what happened (the session ended, a view needs drawing
 * again) on its page's state module, and the page's main.ts, which wires the concerns, says what follows. So a
 * concern never imports main.ts nor a module that imports it back, and a page's imports run one way.
 */
export interface Events<M extends Record<keyof M, unknown[]>> {
  on<K extends keyof M>(name: K, listener: (...args: M[K]) => void): void;
  emit<K extends keyof M>(name: K, ...args: M[K]): void;
}

/** Listeners run in the order they were added, at once (as a direct call would). */
export function events<M extends Record<keyof M, unknown[]>>(): Events<M> {
  const listeners: { [K in keyof M]?: Array<(...args: M[K]) => void> } = {};
  return {
    on(name, listener) {
      (listeners[name] = listeners[name] || []).push(listener);
    },
    emit(name, ...args) {
      (listeners[name] || []).forEach((listener) => listener(...args));
    },
  };
}
