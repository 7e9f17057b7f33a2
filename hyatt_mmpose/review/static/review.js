// The review page: shows an image of the folder with its landmarks as SVG
// handles, sends every change to the server (which saves it and answers the
// new state, measurements included) and draws what it answers. No
// measurement is computed here: the server has the one implementation.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const HANDLE_RADIUS = 9; // screen pixels, at every zoom
const NUDGE_MM = 0.1;

const page = {
  images: [], // the folder's images, worst first
  name: null, // the open image
  state: null, // its state, as the server last answered
  view: null, // the SVG viewBox [x, y, width, height] in image pixels
  current: null, // the focused landmark's index
  pending: 0, // changes sent and not yet answered
  chain: Promise.resolve(), // changes are sent one after the other
  ruler: null, // null, or the ruler's points so far
  focusByPointer: false,
};

const $ = (id) => document.getElementById(id);
const canvas = $('canvas');

function say(text, isError = false) {
  const status = $('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

async function request(path, body) {
  const options = body === undefined ? {} : {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  // an error from outside the application (a proxy, the server's own
  // fallback) may be plain text: show it as it is
  const text = await response.text();
  let answer = null;
  try {
    answer = JSON.parse(text);
  } catch (error) {
    if (response.ok) throw new Error(`${path}: the server did not answer JSON`);
  }
  if (!response.ok) {
    throw new Error((answer && answer.error) || text || response.statusText);
  }
  return answer;
}

// Sends a change after those before it; draws the answer once none is left
// (so that quick key presses do not draw positions already overtaken).
function change(path, body) {
  page.pending += 1;
  page.chain = page.chain.then(async () => {
    try {
      const state = await request(path, Object.assign({image: page.name}, body));
      page.state = state;
      say('saved');
    } catch (error) {
      say(error.message, true);
    } finally {
      page.pending -= 1;
    }
    if (page.pending === 0) {
      draw();
      loadImages();
    }
  });
  return page.chain;
}

// The image list

async function loadImages() {
  const answer = await request('api/images');
  page.images = answer.images;
  $('folder').textContent = answer.folder;
  $('reviewer').textContent = answer.reviewer;
  const list = $('images');
  list.replaceChildren();
  for (const item of answer.images) {
    const button = document.createElement('button');
    button.type = 'button';
    const parts = [];
    if (item.flagged) parts.push(`${item.flagged} flagged`);
    if (item.max_radius_mm !== null) parts.push(`r up to ${item.max_radius_mm.toFixed(1)} mm`);
    if (item.moved) parts.push(`${item.moved} moved`);
    parts.push(item.reviewed ? 'reviewed' : 'not reviewed');
    button.textContent = `${item.name}: ${parts.join(', ')}`;
    if (item.flagged) button.classList.add('has-flags');
    button.setAttribute('aria-current', String(item.name === page.name));
    button.addEventListener('click', () => openImage(item.name));
    const li = document.createElement('li');
    li.append(button);
    list.append(li);
  }
  return answer.images;
}

async function openImage(name) {
  page.name = name;
  page.ruler = null;
  page.current = null;
  history.replaceState(null, '', `#image=${encodeURIComponent(name)}`);
  page.state = await request(`api/state?image=${encodeURIComponent(name)}`);
  const image = $('radiograph');
  image.setAttribute('width', page.state.width);
  image.setAttribute('height', page.state.height);
  image.setAttribute('href', `image?image=${encodeURIComponent(name)}`);
  $('image-title').textContent = name;
  fit();
  draw();
  loadImages();
}

// Zoom and pan: the viewBox, in image pixels

function setView(view) {
  page.view = view;
  canvas.setAttribute('viewBox', view.join(' '));
  sizeHandles();
}

function fit() {
  setView([0, 0, page.state.width, page.state.height]);
}

// Image pixels per screen pixel.
function scale() {
  const matrix = canvas.getScreenCTM();
  return matrix ? 1 / matrix.a : 1;
}

function toImage(clientX, clientY) {
  const point = new DOMPoint(clientX, clientY);
  return point.matrixTransform(canvas.getScreenCTM().inverse());
}

function zoom(factor, centre) {
  const [x, y, w, h] = page.view;
  const c = centre || {x: x + w / 2, y: y + h / 2};
  setView([c.x - (c.x - x) / factor, c.y - (c.y - y) / factor, w / factor, h / factor]);
}

// Centres a landmark; from the whole image, zooms in to a third of it,
// close enough to judge the point.
function centreOn(k) {
  const handle = handleOf(k);
  if (!handle) return;
  const x = Number(handle.dataset.x);
  const y = Number(handle.dataset.y);
  let [, , w, h] = page.view;
  if (w >= page.state.width && h >= page.state.height) {
    w /= 3;
    h /= 3;
  }
  setView([x - w / 2, y - h / 2, w, h]);
}

// Drawing

function svg(tag, attributes, parent) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, value);
  }
  if (parent) parent.append(element);
  return element;
}

function label(k) {
  return `${k + 1} ${page.state.landmarks[k].name}`;
}

function draw() {
  const state = page.state;
  if (!state) return;
  const radii = $('radii');
  const marks = $('model-marks');
  const handles = $('handles');
  radii.replaceChildren();
  marks.replaceChildren();
  handles.replaceChildren();
  state.landmarks.forEach((lm, k) => {
    if (lm.radius_px && lm.model_x_px !== null) {
      svg('ellipse', {
        class: lm.flags.length ? 'radius flagged' : 'radius',
        cx: lm.model_x_px, cy: lm.model_y_px,
        rx: lm.radius_px[0], ry: lm.radius_px[1],
      }, radii);
    }
    if (lm.moved && lm.model_x_px !== null) {
      svg('path', {class: 'model-mark', 'data-landmark': lm.name}, marks);
    }
  });
  // in the queue's order, which is Tab's order too
  for (const k of state.queue) {
    const lm = state.landmarks[k];
    // a landmark the model could not place waits at the image's centre,
    // to be dragged into place
    const unplaced = lm.x_px === null;
    const x = unplaced ? (state.width - 1) / 2 : lm.x_px;
    const y = unplaced ? (state.height - 1) / 2 : lm.y_px;
    const classes = ['handle'];
    if (lm.flags.length && !lm.moved) classes.push('flagged');
    if (lm.moved) classes.push('moved');
    if (unplaced) classes.push('unplaced');
    const handle = svg('g', {
      class: classes.join(' '), tabindex: '0', role: 'button',
      'aria-label': label(k), 'data-index': k, 'data-x': x, 'data-y': y,
      transform: `translate(${x} ${y})`,
    }, handles);
    const title = svg('title', {}, handle);
    title.textContent = label(k) + (lm.flags.length ? ` (${lm.flags.join(', ')})` : '') +
      (unplaced ? ': no position, drag it into place' : '');
    svg('circle', {cx: 0, cy: 0}, handle);
    const number = svg('text', {'text-anchor': 'middle'}, handle);
    number.textContent = String(k + 1);
    attachHandle(handle, k);
  }
  drawRuler();
  sizeHandles();
  drawMeasurements();
  drawFacts();
  if (page.current !== null) {
    const focused = handleOf(page.current);
    if (focused && document.activeElement !== focused) {
      page.focusByPointer = true; // no centring: the view stays
      focused.focus({preventScroll: true});
      page.focusByPointer = false;
    }
  }
}

// Handles, marks and ruler keep their screen size at every zoom.
function sizeHandles() {
  const s = scale();
  for (const circle of document.querySelectorAll('.handle circle')) {
    circle.setAttribute('r', HANDLE_RADIUS * s);
    circle.setAttribute('stroke-width', 2 * s);
  }
  for (const text of document.querySelectorAll('.handle text')) {
    text.setAttribute('font-size', 11 * s);
    text.setAttribute('dy', 4 * s);
    text.setAttribute('stroke-width', 2 * s);
  }
  for (const ellipse of document.querySelectorAll('.radius')) {
    ellipse.setAttribute('stroke-width', 1.5 * s);
  }
  if (page.state) {
    for (const mark of document.querySelectorAll('.model-mark')) {
      const lm = page.state.landmarks[page.state.landmarks.findIndex(
          (l) => l.name === mark.dataset.landmark)];
      const d = 6 * s;
      const x = lm.model_x_px;
      const y = lm.model_y_px;
      mark.setAttribute('d', `M${x - d} ${y - d}L${x + d} ${y + d}M${x - d} ${y + d}L${x + d} ${y - d}`);
      mark.setAttribute('stroke-width', 2 * s);
    }
  }
  for (const element of document.querySelectorAll('#ruler-layer *')) {
    element.setAttribute(element.tagName === 'circle' ? 'r' : 'stroke-width', 3 * s);
  }
}

function handleOf(k) {
  return document.querySelector(`.handle[data-index="${k}"]`);
}

function drawFacts() {
  const state = page.state;
  const spacing = state.pixel_spacing;
  $('spacing').textContent = spacing === null ?
    'Pixel spacing unknown: set it with the ruler.' :
    `Pixel spacing ${spacing[0].toFixed(4)} x ${spacing[1].toFixed(4)} mm (${state.spacing_source || 'file'})`;
  const reviewed = state.reviewed;
  $('review-state').textContent = reviewed.done ?
    `Reviewed by ${reviewed.by} at ${reviewed.at}` : 'Not reviewed';
  $('reviewed').textContent = reviewed.done ? 'Mark not reviewed' : 'Mark reviewed';
  if (page.current !== null) {
    const lm = state.landmarks[page.current];
    let text = label(page.current);
    if (lm.flags.length) text += `; flagged: ${lm.flags.join(', ')}`;
    if (lm.radius_mm !== undefined && lm.radius_mm !== null) text += `; radius ${lm.radius_mm.toFixed(2)} mm`;
    if (lm.moved) text += `; moved by ${lm.moved_by}`;
    $('current').textContent = text;
  }
}

function drawMeasurements() {
  const body = $('measurements').tBodies[0];
  body.replaceChildren();
  const ceph = page.state.cephalometry;
  $('measurement-note').textContent = ceph === null ?
    'This model\'s landmarks define no cephalometric measurements.' : (ceph.note || '');
  if (ceph === null) return;
  for (const row of ceph.rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = row.name;
    tr.append(th);
    const digits = row.unit === 'ratio' ? 3 : 2;
    const fixed = (v) => (v === null ? '-' : v.toFixed(digits));
    const cells = [
      fixed(row.value), row.unit, `${row.normal[0]} to ${row.normal[1]}`,
      row.class === null ? '-' : String(row.class),
      row.interval === null ? '-' : `${fixed(row.interval[0])} to ${fixed(row.interval[1])}`,
      row.classes === null ? '-' : row.classes.join(' or '),
    ];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 3 && row.class !== null && row.class !== 1) td.classList.add('abnormal');
      tr.append(td);
    });
    body.append(tr);
  }
}

// Moving landmarks

function clampToImage(x, y) {
  return [
    Math.min(Math.max(x, 0), page.state.width - 1),
    Math.min(Math.max(y, 0), page.state.height - 1),
  ];
}

function placeHandle(handle, x, y) {
  handle.setAttribute('transform', `translate(${x} ${y})`);
  handle.dataset.x = x;
  handle.dataset.y = y;
}

function attachHandle(handle, k) {
  handle.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || page.ruler !== null) return;
    event.stopPropagation();
    event.preventDefault();
    page.focusByPointer = true;
    handle.focus({preventScroll: true});
    page.focusByPointer = false;
    handle.setPointerCapture(event.pointerId);
    let dragged = false;
    const move = (e) => {
      dragged = true;
      const p = toImage(e.clientX, e.clientY);
      const [x, y] = clampToImage(p.x, p.y);
      placeHandle(handle, x, y);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      if (dragged) {
        const name = page.state.landmarks[k].name;
        change('api/move', {
          landmark: name, x: Number(handle.dataset.x),
          y: Number(handle.dataset.y), action: 'move',
        });
      }
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  });
  handle.addEventListener('focus', () => {
    page.current = k;
    drawFacts();
    if (!page.focusByPointer) centreOn(k);
  });
  handle.addEventListener('keydown', (event) => {
    const directions = {
      ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
    };
    const direction = directions[event.key];
    if (!direction) return;
    event.preventDefault();
    nudge(handle, k, direction, event.shiftKey ? 10 : 1);
  });
}

// 0.1 mm a press where the spacing is known, else 1 pixel; times `times`.
function nudge(handle, k, direction, times) {
  const spacing = page.state.pixel_spacing;
  const step = spacing === null ? [1, 1] : [NUDGE_MM / spacing[0], NUDGE_MM / spacing[1]];
  const [x, y] = clampToImage(
      Number(handle.dataset.x) + direction[0] * step[0] * times,
      Number(handle.dataset.y) + direction[1] * step[1] * times);
  placeHandle(handle, x, y);
  change('api/move', {landmark: page.state.landmarks[k].name, x, y, action: 'nudge'});
}

function step(delta) {
  const queue = page.state.queue;
  const at = page.current === null ? -1 : queue.indexOf(page.current);
  const next = queue[(at + delta + queue.length) % queue.length];
  const handle = handleOf(next);
  if (handle) handle.focus({preventScroll: true}); // centres it
}

function resetCurrent() {
  if (page.current === null) {
    say('focus a landmark first (Tab, N or P)', true);
    return;
  }
  change('api/reset', {landmark: page.state.landmarks[page.current].name});
}

// The ruler

function toggleRuler() {
  page.ruler = page.ruler === null ? [] : null;
  $('ruler').setAttribute('aria-pressed', String(page.ruler !== null));
  canvas.classList.toggle('ruling', page.ruler !== null);
  say(page.ruler === null ? '' : 'Ruler: click both ends of an object of known length, then type its length.');
  drawRuler();
}

function drawRuler() {
  const layer = $('ruler-layer');
  layer.replaceChildren();
  const points = page.ruler || [];
  if (points.length === 2) {
    svg('line', {
      class: 'ruler-line', x1: points[0][0], y1: points[0][1],
      x2: points[1][0], y2: points[1][1],
    }, layer);
  }
  for (const [x, y] of points) {
    svg('circle', {class: 'ruler-point', cx: x, cy: y}, layer);
  }
  $('ruler-set').disabled = points.length !== 2;
  sizeHandles();
}

async function setRuler() {
  const length = Number($('ruler-length').value);
  await change('api/ruler', {points: page.ruler, length_mm: length});
  if (!$('status').classList.contains('error')) toggleRuler();
}

// Events

canvas.addEventListener('wheel', (event) => {
  if (!page.view) return;
  event.preventDefault();
  zoom(Math.pow(1.2, -event.deltaY / 100), toImage(event.clientX, event.clientY));
}, {passive: false});

canvas.addEventListener('pointerdown', (event) => {
  if (!page.view || event.button !== 0) return;
  if (page.ruler !== null) {
    const p = toImage(event.clientX, event.clientY);
    if (page.ruler.length === 2) page.ruler = [];
    page.ruler.push(clampToImage(p.x, p.y));
    drawRuler();
    return;
  }
  // pan
  const start = [event.clientX, event.clientY];
  const view = page.view.slice();
  const s = scale();
  canvas.setPointerCapture(event.pointerId);
  const move = (e) => {
    setView([view[0] - (e.clientX - start[0]) * s, view[1] - (e.clientY - start[1]) * s, view[2], view[3]]);
  };
  const up = () => {
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
  };
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
});

document.addEventListener('keydown', (event) => {
  if (!page.state || event.target.tagName === 'INPUT') return;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
    event.preventDefault();
    change('api/undo', {});
  } else if (event.ctrlKey || event.metaKey || event.altKey) {
    return;
  } else if (event.key === '+' || event.key === '=') {
    zoom(1.25);
  } else if (event.key === '-') {
    zoom(0.8);
  } else if (event.key === '0') {
    fit();
  } else if (event.key.toLowerCase() === 'n') {
    step(1);
  } else if (event.key.toLowerCase() === 'p') {
    step(-1);
  } else if (event.key.toLowerCase() === 'r') {
    resetCurrent();
  }
});

$('zoom-in').addEventListener('click', () => zoom(1.25));
$('zoom-out').addEventListener('click', () => zoom(0.8));
$('fit').addEventListener('click', fit);
$('next').addEventListener('click', () => step(1));
$('prev').addEventListener('click', () => step(-1));
$('reset').addEventListener('click', resetCurrent);
$('undo').addEventListener('click', () => change('api/undo', {}));
$('ruler').addEventListener('click', toggleRuler);
$('ruler-set').addEventListener('click', setRuler);
$('reviewed').addEventListener('click', () => change('api/reviewed', {reviewed: !page.state.reviewed.done}));
$('report').addEventListener('click', async () => {
  try {
    // the POST writes it; GET report only shows what was written
    const written = await request('api/report', {image: page.name});
    say(`Report written: ${written.html} and ${written.pdf}`);
    window.open(`report?image=${encodeURIComponent(page.name)}`, '_blank');
  } catch (error) {
    say(error.message, true);
  }
});
window.addEventListener('resize', sizeHandles);

// Start: the image of the URL, else the worst one.
loadImages().then((images) => {
  const wanted = new URLSearchParams(location.hash.slice(1)).get('image');
  const names = images.map((i) => i.name);
  if (names.length) openImage(names.includes(wanted) ? wanted : names[0]);
}).catch((error) => say(error.message, true));
