// The reader's text preferences (字号 and 报纸字体), kept in localStorage.
// Loaded without defer in <head>, so the classes are on <html> before the
// first paint and the article does not jump; the buttons are wired once the
// document is parsed. Without JavaScript the article shows at its default size.
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
  function applySize(size) {
    SIZES.forEach(function (s) { root.classList.remove('font-' + s); });
    root.classList.add('font-' + (SIZES.indexOf(size) >= 0 ? size : 'medium'));
  }
  function applySerif(on) {
    root.classList.toggle('font-serif', on);
  }
  applySize(read(SIZE_KEY));
  applySerif(read(SERIF_KEY) === '1');

  function setup() {
    var box = document.getElementById('font-size');
    if (!box) return;
    box.hidden = false;
    var sizeButtons = box.querySelectorAll('button[data-size]');
    var serifButton = box.querySelector('button[data-serif]');
    function sync() {
      var size = read(SIZE_KEY) || 'medium';
      for (var i = 0; i < sizeButtons.length; i++) sizeButtons[i].setAttribute('aria-pressed', String(sizeButtons[i].getAttribute('data-size') === size));
      if (serifButton) serifButton.setAttribute('aria-pressed', String(root.classList.contains('font-serif')));
    }
    sync();
    box.addEventListener('click', function (ev) {
      var btn = ev.target.closest('button');
      if (!btn) return;
      if (btn.hasAttribute('data-size')) {
        var size = btn.getAttribute('data-size');
        write(SIZE_KEY, size);
        applySize(size);
        sizeButtons.forEach(function (b) { b.setAttribute('aria-pressed', String(b === btn)); });
      } else if (btn.hasAttribute('data-serif')) {
        var on = !root.classList.contains('font-serif');
        write(SERIF_KEY, on ? '1' : '0');
        applySerif(on);
        btn.setAttribute('aria-pressed', String(on));
      }
    });
  }
  document.addEventListener('DOMContentLoaded', setup);
})();
