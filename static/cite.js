// Citations and clips (剪报). Without JavaScript a reference shows the date the
// page was rendered as its access date, and the page view has no clip tool;
// everything else works the same.
(function () {
  'use strict';

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  // A reference's access date (GB/T 7714 [引用日期]) is the reader's today, not the day the page was cached.
  function setAccessDates() {
    var d = new Date();
    var today = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
    var refs = document.querySelectorAll('[data-accessed]');
    for (var i = 0; i < refs.length; i++) {
      var old = refs[i].getAttribute('data-accessed');
      if (old === today) continue;
      var text = refs[i].querySelector('bdi') || refs[i];
      text.textContent = text.textContent.replace('[' + old + ']', '[' + today + ']');
      refs[i].setAttribute('data-accessed', today);
    }
  }

  // The clip tool: drag a rectangle over the page image; its URL names it in the page image's pixels.
  function setupClipTool() {
    var tool = document.getElementById('clip-tool');
    var sheet = document.getElementById('page-image');
    var svg = sheet && sheet.querySelector('svg.hotspots');
    if (!tool || !sheet || !svg || !window.PointerEvent) return;
    var start = document.getElementById('clip-start');
    var hint = document.getElementById('clip-hint');
    var field = document.getElementById('clip-url');
    var open = document.getElementById('clip-open');
    var viewBox = svg.getAttribute('viewBox').split(/\s+/).map(Number);
    var pageW = viewBox[2];
    var pageH = viewBox[3];
    var box = null;
    var origin = null;
    tool.hidden = false;
    hint.hidden = true;

    function setMode(on) {
      sheet.classList.toggle('clipping', on);
      start.setAttribute('aria-pressed', on ? 'true' : 'false');
      start.textContent = on ? '取消剪报' : '剪报';
      hint.hidden = !on;
      if (on) hint.textContent = '在版面上拖出一个区域';
      if (!on && box) { box.remove(); box = null; }
    }

    /** The pointer's place in page image pixels, inside the page. */
    function pagePoint(ev) {
      var r = sheet.getBoundingClientRect();
      var x = Math.min(Math.max(ev.clientX - r.left, 0), r.width);
      var y = Math.min(Math.max(ev.clientY - r.top, 0), r.height);
      return { cx: x, cy: y, x: Math.round(x * pageW / r.width), y: Math.round(y * pageH / r.height) };
    }

    function draw(a, b) {
      if (!box) {
        box = document.createElement('div');
        box.className = 'clip-box';
        sheet.appendChild(box);
      }
      box.style.left = Math.min(a.cx, b.cx) + 'px';
      box.style.top = Math.min(a.cy, b.cy) + 'px';
      box.style.width = Math.abs(a.cx - b.cx) + 'px';
      box.style.height = Math.abs(a.cy - b.cy) + 'px';
    }

    start.addEventListener('click', function () { setMode(!sheet.classList.contains('clipping')); });
    sheet.addEventListener('pointerdown', function (ev) {
      if (!sheet.classList.contains('clipping') || ev.button !== 0) return;
      ev.preventDefault();
      sheet.setPointerCapture(ev.pointerId);
      origin = pagePoint(ev);
      draw(origin, origin);
    });
    sheet.addEventListener('pointermove', function (ev) {
      if (origin) draw(origin, pagePoint(ev));
    });
    sheet.addEventListener('pointerup', function (ev) {
      if (!origin) return;
      var end = pagePoint(ev);
      var rect = [Math.min(origin.x, end.x), Math.min(origin.y, end.y), Math.abs(origin.x - end.x), Math.abs(origin.y - end.y)];
      origin = null;
      if (rect[2] < 16 || rect[3] < 16) {
        hint.textContent = '区域太小,请再拖大一些';
        return;
      }
      var url = tool.getAttribute('data-base') + rect.join(',');
      field.value = location.origin + url;
      field.hidden = false;
      open.href = url;
      open.hidden = false;
      hint.textContent = '剪报链接已生成,可复制分享';
      field.focus();
      field.select();
    });
  }

  setAccessDates();
  setupClipTool();
})();
