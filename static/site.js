// Progressive enhancement only: every feature here has a working no-JavaScript fallback.
// The reader's 字号 and 报纸字体 are applied by prefs.js before the first paint; their buttons are wired here.
(function () {
  'use strict';
  var root = document.documentElement;
  var SIZES = ['small', 'medium', 'large'];
  var SIZE_KEY = 'epaper.fontSize';
  var SERIF_KEY = 'epaper.serif';

  function read(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  // The 字号 / 报纸字体 buttons of the article page (hidden without JavaScript).
  function setupFontSize() {
    var box = document.getElementById('font-size');
    if (!box) return;
    box.hidden = false;
    var sizeButtons = box.querySelectorAll('button[data-size]');
    var serifButton = box.querySelector('button[data-serif]');
    var current = read(SIZE_KEY);
    if (SIZES.indexOf(current) < 0) current = 'medium';
    for (var i = 0; i < sizeButtons.length; i++) sizeButtons[i].setAttribute('aria-pressed', String(sizeButtons[i].getAttribute('data-size') === current));
    if (serifButton) serifButton.setAttribute('aria-pressed', String(root.classList.contains('font-serif')));
    box.addEventListener('click', function (ev) {
      var btn = ev.target.closest('button');
      if (!btn) return;
      if (btn.hasAttribute('data-size')) {
        var size = btn.getAttribute('data-size');
        write(SIZE_KEY, size);
        SIZES.forEach(function (s) { root.classList.remove('font-' + s); });
        root.classList.add('font-' + size);
        for (var j = 0; j < sizeButtons.length; j++) sizeButtons[j].setAttribute('aria-pressed', String(sizeButtons[j] === btn));
      } else if (btn.hasAttribute('data-serif')) {
        var on = !root.classList.contains('font-serif');
        write(SERIF_KEY, on ? '1' : '0');
        root.classList.toggle('font-serif', on);
        btn.setAttribute('aria-pressed', String(on));
      }
    });
  }
  function showToday() {
    var el = document.getElementById('today');
    if (!el || !window.Intl) return;
    var tz = el.getAttribute('data-tz') || 'Asia/Shanghai';
    var now = new Date();
    var date = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now).replace(/\//g, '-');
    var weekday = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, weekday: 'long' }).format(now);
    el.textContent = date + ' ' + weekday;
  }

  // ← / → follow the page's previous / next link, unless the reader is typing.
  function setupKeys() {
    document.addEventListener('keydown', function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      var t = ev.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      var link = document.querySelector('a[data-key="' + ev.key + '"]');
      if (link) window.location.href = link.href;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    showToday();
    setupKeys();
    setupFontSize();
  });
})();
