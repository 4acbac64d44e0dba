// Pinch to zoom on touch screens. Two fingers change the zoom around the
// point between them, which stays under the fingers, within the reader's
// limits; while they move pdf.js stretches the pages already drawn, and
// draws them again sharp once the zoom has rested (its drawingDelay).
//
// One finger is left to the browser (scrolling) and, in ink mode, to the
// pen tool: annotations.js drops a stroke when a second finger lands. The
// container's `touch-action: pan-x pan-y` (reader.css) keeps the browser
// from zooming the whole page instead.

// How long the zoom rests before pages are drawn again at the new scale.
export const SETTLE_MS = 400;
// Smaller changes are not worth laying the pages out again.
const MIN_CHANGE = 0.005;

const clamp = (value, min, max) => Math.min(max, Math.max(min, value));

function spread(a, b) {
  return Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY) || 1;
}

function middle(a, b) {
  return { x: (a.clientX + b.clientX) / 2, y: (a.clientY + b.clientY) / 2 };
}

export class PinchZoom {
  /** `limits`: the reader's { min, max } zoom (1 is 100 %). */
  constructor({ viewer, container, limits }) {
    this.viewer = viewer;
    this.container = container;
    this.limits = limits;
    this.gesture = null;
    const active = { passive: false };
    container.addEventListener("touchstart", (event) => this.#start(event), active);
    container.addEventListener("touchmove", (event) => this.#move(event), active);
    container.addEventListener("touchend", (event) => this.#end(event));
    container.addEventListener("touchcancel", (event) => this.#end(event));
  }

  get pinching() {
    return this.gesture !== null;
  }

  #start(event) {
    if (event.touches.length !== 2) {
      this.gesture = null;
      return;
    }
    event.preventDefault();
    const [a, b] = event.touches;
    this.gesture = { spread: spread(a, b), scale: this.viewer.currentScale, at: middle(a, b) };
  }

  #move(event) {
    const gesture = this.gesture;
    if (!gesture || event.touches.length !== 2) return;
    if (event.cancelable) event.preventDefault();
    const [a, b] = event.touches;
    const at = middle(a, b);
    // The pages follow the fingers as they move together.
    this.container.scrollLeft -= at.x - gesture.at.x;
    this.container.scrollTop -= at.y - gesture.at.y;
    gesture.at = at;
    this.viewer.update(); // pdf.js zooms from the position it last saw
    const { min, max } = this.limits;
    const target = clamp((gesture.scale * spread(a, b)) / gesture.spread, min, max);
    const current = this.viewer.currentScale;
    if (Math.abs(target - current) < MIN_CHANGE) return;
    this.viewer.updateScale({
      scaleFactor: target / current,
      origin: this.#origin(at),
      drawingDelay: SETTLE_MS,
    });
  }

  #end(event) {
    if (event.touches.length < 2) this.gesture = null;
  }

  /** A point of the screen as pdf.js takes a zoom origin: from the
   * container's offset parent (pdf.js subtracts the container's offset). */
  #origin({ x, y }) {
    const box = this.container.getBoundingClientRect();
    return [x - box.left + this.container.offsetLeft, y - box.top + this.container.offsetTop];
  }
}

/** A zoom within the reader's limits, for the zoom buttons. */
export function clampZoom(viewer, limits) {
  const scale = viewer.currentScale;
  if (scale > limits.max) viewer.currentScale = limits.max;
  else if (scale < limits.min) viewer.currentScale = limits.min;
}
