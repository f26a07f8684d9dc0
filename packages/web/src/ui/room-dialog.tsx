import { useEffect, useRef, type ReactNode, type SyntheticEvent } from 'react';
import './room-dialog.css';

/**
 * A modal dialog on the native `<dialog>` element: it sits in the top layer, keeps focus inside
 * while open, closes on Escape (and on a click on the backdrop), and gives focus back to what had
 * it before when it closes (the caller may move it elsewhere afterwards).
 */
export function RoomDialog(props: {
  label: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** Shown as the dialog's visible heading; defaults to the label. */
  title?: string;
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (previous?.isConnected) previous.focus();
    };
  }, []);
  const cancel = (event: SyntheticEvent) => {
    event.preventDefault();
    onClose.current();
  };
  return (
    <dialog
      ref={ref}
      aria-label={props.label}
      className={props.className ? `room-dialog ${props.className}` : 'room-dialog'}
      onCancel={cancel}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog itself; clicks inside land on its content.
        if (event.target === ref.current) onClose.current();
      }}
    >
      <div className="room-dialog-body">
        <div className="room-dialog-head">
          <h2>{props.title ?? props.label}</h2>
          <button type="button" className="icon" aria-label="Close" onClick={cancel}>
            ✕
          </button>
        </div>
        {props.children}
      </div>
    </dialog>
  );
}
