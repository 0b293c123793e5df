/** What a page remembers in localStorage, as JSON; private mode or a full store only makes it forget. */

export function store(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode or full: the page still works, it just forgets on reload */
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- what the page itself stored under its own key
export function load(key: string): any {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}
