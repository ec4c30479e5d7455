// Progressive enhancement only: every feature here has a working no-JavaScript fallback.
(function () {
  'use strict';
  var root = document.documentElement;
  var SIZES = ['small', 'medium', 'large'];
  var KEY = 'epaper.fontSize';

  function storedSize() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function applySize(size) {
    SIZES.forEach(function (s) { root.classList.remove('font-' + s); });
    if (SIZES.indexOf(size) >= 0) root.classList.add('font-' + size);
  }
  applySize(storedSize() || 'medium');

  function showToday() {
    var el = document.getElementById('today');
    if (!el || !window.Intl) return;
    var tz = el.getAttribute('data-tz') || 'Asia/Shanghai';
    var now = new Date();
    var date = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now).replace(/\//g, '-');
    var weekday = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, weekday: 'long' }).format(now);
    el.textContent = date + ' ' + weekday;
  }

  function setupFontSize() {
    var box = document.getElementById('font-size');
    if (!box) return;
    box.hidden = false;
    var buttons = box.querySelectorAll('button[data-size]');
    function sync(size) {
      for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-size') === size));
    }
    sync(storedSize() || 'medium');
    box.addEventListener('click', function (ev) {
      var btn = ev.target.closest('button[data-size]');
      if (!btn) return;
      var size = btn.getAttribute('data-size');
      try { localStorage.setItem(KEY, size); } catch (e) { /* private mode: size lasts for this page only */ }
      applySize(size);
      sync(size);
    });
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
    setupFontSize();
    setupKeys();
  });
})();
