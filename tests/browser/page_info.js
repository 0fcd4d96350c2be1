() => {
  // Facts about one rendered page, read by check_site.py.
  const math = [...document.querySelectorAll('.math')];
  const unrendered = math.filter(
    e => !e.querySelector('mjx-container') && !e.closest('mjx-container'));
  const imgs = [...document.images];
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
    .map(i => i.getAttribute('src'));
  const text = document.body.innerText;
  const hrefs = [...document.querySelectorAll('a[href]')]
    .map(a => a.getAttribute('href'));
  const merrors = [...document.querySelectorAll('mjx-merror')]
    .map(e => e.getAttribute('data-mjx-error') || e.textContent);

  // Clipping: a display formula or a code block must lie inside the content
  // column, or sit in a scroll container that does; nothing may start left of
  // what can be scrolled to.
  const col = document.querySelector('article.bd-article') ||
    document.querySelector('main');
  const clipped = [];
  if (col) {
    const cr = col.getBoundingClientRect();
    const scroller = e => {
      for (let a = e; a && a !== col; a = a.parentElement) {
        const s = getComputedStyle(a).overflowX;
        if (s === 'auto' || s === 'scroll') return a;
      }
      return null;
    };
    const name = e => {
      const t = (e.closest('.math') || e).textContent.replace(/\s+/g, ' ');
      return `${e.tagName.toLowerCase()} "${t.trim().slice(0, 50)}"`;
    };
    const targets = document.querySelectorAll(
      'mjx-container[display="true"], div.highlight pre, div.cell_output pre');
    for (const e of targets) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;      // hidden (collapsed)
      const sa = scroller(e);
      const box = sa ? sa.getBoundingClientRect() : r;
      if (box.left < cr.left - 1)
        clipped.push(`${name(e)} starts ${Math.round(cr.left - box.left)} px left ` +
                     'of the content column');
      else if (box.right > cr.right + 1)
        clipped.push(`${name(e)} overflows the content column by ` +
                     `${Math.round(box.right - cr.right)} px with no scroll bar`);
      else if (sa && r.left < box.left - 1)
        clipped.push(`${name(e)} starts ${Math.round(box.left - r.left)} px left ` +
                     'of its scroll box (cannot be scrolled to)');
    }
  }
  // One name per figure: no visible book-wide counter ("Fig. 9") on figures or tables.
  const counters = [...document.querySelectorAll(
    'figcaption .caption-number, table > caption .caption-number')]
    .filter(e => e.getClientRects().length > 0).map(e => e.textContent.trim());
  return {counters, nmath: math.length, unrendered: unrendered.map(e => e.textContent.slice(0, 60)),
          merrors, nimg: imgs.length, broken, rawdollar: text.includes('$$'), hrefs,
          clipped};
}
