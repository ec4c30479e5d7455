// Progressive enhancement only: every feature here has a working no-JavaScript fallback.
// The reader's 字号 and 报纸字体 live in prefs.js, which runs before the first paint.
(function () {
  'use strict';
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
  });
})();
