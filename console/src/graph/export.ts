// Export of a drawn graph as a standalone SVG document or a PNG image. The drawing is styled by
// graph.css (classes and CSS custom properties for the themes), which a file on its own does not
// have: exportSvg copies each element's computed presentation styles onto it as attributes, so
// the file looks like the screen in the current theme. exportPng draws that SVG on a canvas
// (the console's CSP allows blob: images for this).

/** Computed properties that decide how an SVG element looks. */
const presentation = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap',
  'stroke-linejoin', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor',
  'dominant-baseline', 'display', 'visibility',
];

/** Size of the whole drawing, which GraphView writes on the root as data-width / data-height. */
export function contentSize(svg: SVGSVGElement): { width: number; height: number } {
  return { width: Number(svg.getAttribute('data-width')) || 1, height: Number(svg.getAttribute('data-height')) || 1 };
}

/** The whole graph (not just what is in view) as an SVG document that stands alone. */
export function exportSvg(svg: SVGSVGElement): string {
  const { width, height } = contentSize(svg);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  originals.forEach((el, i) => {
    const cs = getComputedStyle(el);
    for (const p of presentation) {
      const v = cs.getPropertyValue(p);
      if (v) copies[i].setAttribute(p, v);
    }
  });
  // Interaction-only parts (hit areas, drop indicators, focus rings) are not part of the picture.
  clone.querySelectorAll('[data-export="skip"]').forEach((el) => el.remove());
  clone.querySelectorAll('[data-viewport]').forEach((el) => el.removeAttribute('transform'));
  for (const a of ['class', 'tabindex', 'role', 'aria-label']) clone.removeAttribute(a);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', String(width));
  bg.setAttribute('height', String(height));
  bg.setAttribute('fill', getComputedStyle(svg).getPropertyValue('--sj-graph-bg').trim() || '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** Canvas limits browsers share (Chrome: 16384 px a side, about 268 M pixels). */
const MAX_SIDE = 16000;
const MAX_PIXELS = 100_000_000;

/** The scale a PNG of a width × height drawing is rendered at: 2× when the canvas limits allow. */
export function pngScale(width: number, height: number): number {
  return Math.min(2, MAX_SIDE / Math.max(width, height, 1), Math.sqrt(MAX_PIXELS / Math.max(width * height, 1)));
}

/** The whole graph as a PNG image, at twice its size where the canvas allows. */
export async function exportPng(svg: SVGSVGElement): Promise<Blob> {
  const { width, height } = contentSize(svg);
  const scale = pngScale(width, height);
  const url = URL.createObjectURL(new Blob([exportSvg(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(width * scale));
    canvas.height = Math.max(1, Math.floor(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('graph export: this browser gives no 2D canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('graph export: the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob as a file download. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
