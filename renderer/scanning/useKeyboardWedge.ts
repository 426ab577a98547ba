import { useEffect, useRef } from 'react';
import { DEFAULT_WEDGE, WedgeDetector, type WedgeVerdict } from './wedgeDetector';

type Field = HTMLInputElement | HTMLTextAreaElement;

function isField(el: Element | null): el is Field {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement;
}

/** Set a field's value so React's onChange sees it too. */
function setFieldValue(field: Field, value: string): void {
  const proto = field instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Put keys that were held back into the focused field, where the person typed them. */
function giveBack(text: string): void {
  const field = document.activeElement;
  if (!isField(field)) return;
  const at = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? at;
  setFieldValue(field, field.value.slice(0, at) + text + field.value.slice(end));
  field.setSelectionRange?.(at + text.length, at + text.length);
}

/**
 * Listen for keyboard-wedge scans and card swipes wherever the focus is. A scan's keystrokes
 * that landed in a field are taken back out, so a scan never corrupts what the cashier was
 * typing; a swipe's keystrokes never land anywhere.
 */
export function useKeyboardWedge(onScan: (text: string) => void): void {
  const callback = useRef(onScan);
  callback.current = onScan;
  useEffect(() => {
    const detector = new WedgeDetector(DEFAULT_WEDGE);
    let snapshot: { field: Field; value: string } | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const act = (verdict: WedgeVerdict) => {
      if (verdict.kind === 'release') giveBack(verdict.text);
      if (verdict.kind === 'scan') callback.current(verdict.text);
    };
    const expireLater = () => {
      clearTimeout(timer);
      const wait = detector.holdingFor;
      if (wait === null) return;
      timer = setTimeout(() => {
        act(detector.expire(performance.now()));
        // Still held: the last key's timestamp was later than the clock read here; look again.
        expireLater();
      }, wait + 20);
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      act(detector.expire(e.timeStamp));
      const verdict = detector.feed(e.key, e.timeStamp);
      if (verdict.kind === 'buffering' && verdict.first) {
        const active = document.activeElement;
        snapshot = isField(active) ? { field: active, value: active.value } : null;
      } else if (verdict.kind === 'hold') {
        snapshot = null;
        e.preventDefault();
        e.stopPropagation();
      } else if (verdict.kind === 'scan') {
        e.preventDefault();
        e.stopPropagation();
        if (snapshot && snapshot.field.value !== snapshot.value) setFieldValue(snapshot.field, snapshot.value);
        snapshot = null;
      }
      act(verdict);
      expireLater();
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => {
      clearTimeout(timer);
      window.removeEventListener('keydown', onKeyDown, { capture: true });
    };
  }, []);
}
