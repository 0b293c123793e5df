/**
 * The call's beeps. Phones play sound only after a tap on the page: one opened again without a tap (from the home
 * screen, or a reload) has its audio suspended, and a call would be silent. So the page keeps one AudioContext,
 * resumes it on the first tap or key anywhere, and shows `prompt` ("tap to turn on sound") while it is suspended.
 */
let ctx: AudioContext | null = null;

export function soundPrompt(prompt: HTMLElement): void {
  // Older Safari names it webkitAudioContext.
  const Ctx: typeof AudioContext | undefined =
    window.AudioContext || (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  try {
    ctx = Ctx ? new Ctx() : null;
  } catch {
    ctx = null;
  }
  const audio = ctx;
  if (!audio) return;
  const paint = () => {
    prompt.hidden = audio.state === 'running';
  };
  const resume = () => {
    if (audio.state !== 'running') audio.resume().then(paint, paint);
  };
  audio.addEventListener('statechange', paint);
  ['click', 'touchend', 'keydown'].forEach((ev) => document.addEventListener(ev, resume, true));
  paint();
}

/** Three beeps (where the phone lets the page play). */
export function beep(): void {
  const audio = ctx;
  if (!audio) return;
  try {
    if (audio.state !== 'running') void audio.resume().catch(() => {});
    [0, 0.5, 1].forEach(function (at) {
      const o = audio.createOscillator();
      o.frequency.value = 880;
      o.connect(audio.destination);
      o.start(audio.currentTime + at);
      o.stop(audio.currentTime + at + 0.3);
    });
  } catch {
    /* no sound on this phone: the screen and the vibration still say it */
  }
}
