/** A tiny element builder: text goes in as text nodes (never parsed as HTML), no inline styles (CSP). */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Attributes; `true` sets an empty attribute, `false`/undefined omits it. */
  attrs?: Record<string, string | number | boolean | undefined>;
  /** Restores keyboard focus across re-renders (see keepFocus). */
  key?: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class !== undefined) el.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  if (props.key !== undefined) el.dataset.key = props.key;
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Re-renders `container` while keeping focus on the element with the same data-key, if any. */
export function keepFocus(container: HTMLElement, render: () => void): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.key : undefined;
  render();
  if (key === undefined) return;
  const again = container.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  again?.focus();
}
