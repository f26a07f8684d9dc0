import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * An inline confirmation (an alert dialog in the page): focus moves to its Cancel button, Escape
 * or Cancel closes it and puts focus back on the button that opened it.
 */
export function Confirm(props: {
  label: string;
  text: string;
  confirm: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactNode {
  const cancel = useRef<HTMLButtonElement>(null);
  const textId = useId();
  useEffect(() => {
    cancel.current?.focus();
  }, []);
  return (
    <div
      className="side-confirm"
      role="alertdialog"
      aria-label={props.label}
      aria-describedby={textId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <p id={textId}>{props.text}</p>
      <div className="settings-actions">
        <button type="button" className="danger-solid" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" ref={cancel} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** A button that asks first; focus returns to it when the question is dismissed. */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirm: string;
  className?: string;
  describedBy?: string;
  busy: boolean;
  onConfirm: () => void;
}): ReactNode {
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (!asking && refocus.current) {
      refocus.current = false;
      trigger.current?.focus();
    }
  }, [asking]);
  if (asking)
    return (
      <Confirm
        label={`${props.label}?`}
        text={props.question}
        confirm={props.confirm}
        busy={props.busy}
        onConfirm={props.onConfirm}
        onCancel={() => {
          refocus.current = true;
          setAsking(false);
        }}
      />
    );
  return (
    <button
      type="button"
      ref={trigger}
      className={props.className}
      aria-describedby={props.describedBy}
      disabled={props.busy}
      onClick={() => {
        setAsking(true);
      }}
    >
      {props.label}
    </button>
  );
}
