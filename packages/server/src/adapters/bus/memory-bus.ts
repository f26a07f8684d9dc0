import type { BusMessage, EventBus } from '../../ports/event-bus.ts';
import type { Logger } from '../../ports/logger.ts';

/**
 * The single-process bus: delivers synchronously, in publish order, to every subscriber. A
 * subscriber that throws is logged and does not stop delivery to the others.
 */
export function createMemoryBus(logger: Logger): EventBus {
  const handlers = new Set<(message: BusMessage) => void>();
  return {
    publish(message) {
      for (const handler of handlers) {
        try {
          handler(message);
        } catch (error) {
          logger.error({ err: error, kind: message.kind }, 'bus subscriber failed');
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close() {
      handlers.clear();
      return Promise.resolve();
    },
  };
}
