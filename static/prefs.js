// 字号 and 报纸字体 from localStorage, on <html> before the first paint (so the
// article does not jump): loaded without defer in <head>, hence this small.
// The buttons that change them are wired by site.js.
(function (r, s, f) {
  r.classList.add('js'); // the 字号 buttons take their place from the first paint (static/site.css), no shift when site.js wires them
  try { s = localStorage.getItem('epaper.fontSize'); f = localStorage.getItem('epaper.serif'); } catch (e) { /* storage blocked */ }
  r.classList.add('font-' + (/^(small|medium|large)$/.test(s) ? s : 'medium'));
  if (f === '1') r.classList.add('font-serif');
})(document.documentElement);
