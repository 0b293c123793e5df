/** The DOM helpers every page uses: elements built with text only, so data from the API is never parsed as HTML. */

/**
 * An element of the page by id: an input, a select or a box, which the page knows and the checker cannot.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's own ids; its HTML says what each is
export function $(id: string): any {
  return document.getElementById(id);
}

type Child = Node | string | null | undefined | false;
/** Attributes by name; `text` is the text content, `on` the listeners by event (a listener may be async). */
type Attrs = Record<string, unknown> & { text?: unknown; on?: Record<string, (ev: Event) => unknown> };

/** Builds elements with text content only, so data from the API is never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  children?: Child[],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    const v = attrs![k];
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k === 'on') for (const ev in attrs!.on) e.addEventListener(ev, attrs!.on[ev] as EventListener);
    else e.setAttribute(k, String(v));
  }
  (children || []).forEach((c) => {
    if (c !== null && c !== undefined && c !== false)
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  });
  return e;
}

export function fill(parent: Node, children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  children.forEach((c) => {
    if (c) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  });
}

export function show(id: string, on: unknown): void {
  $(id).hidden = !on;
}

/** A message line: `text` (hidden when empty) styled as `kind` (ok, error). */
export function message(node: HTMLElement, text?: string | null, kind?: string | null): void {
  node.textContent = text || '';
  node.className = 'msg' + (kind ? ' ' + kind : '');
  node.hidden = !text;
}
