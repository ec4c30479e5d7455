// The page view's enhancements. Without JavaScript the hotspots are plain links,
// the 显示热区 toggle is CSS, and 放大 links to the full-resolution image.
(function () {
  'use strict';

  // Hovering or focusing a title of 本版文章 lights its region on the page image, and the other way round.
  function setupRegions() {
    function light(ev, on) {
      var el = ev.target && ev.target.closest ? ev.target.closest('[data-region]') : null;
      if (!el) return;
      var all = document.querySelectorAll('[data-region="' + el.getAttribute('data-region') + '"]');
      for (var i = 0; i < all.length; i++) all[i].classList.toggle('lit', on);
    }
    document.addEventListener('mouseover', function (ev) { light(ev, true); });
    document.addEventListener('mouseout', function (ev) { light(ev, false); });
    document.addEventListener('focusin', function (ev) { light(ev, true); });
    document.addEventListener('focusout', function (ev) { light(ev, false); });
  }

  var viewerScript = null;

  /** Loads OpenSeadragon (served from this site) once; calls back when it is there. */
  function loadViewer(src, done) {
    if (window.OpenSeadragon) return done();
    if (!viewerScript) {
      viewerScript = document.createElement('script');
      viewerScript.src = src;
      document.head.appendChild(viewerScript);
    }
    viewerScript.addEventListener('load', done);
  }

  function buildDialog(sheet) {
    var dialog = document.createElement('dialog');
    dialog.className = 'zoom-dialog';
    dialog.setAttribute('aria-label', '放大阅读');
    var bar = document.createElement('div');
    bar.className = 'zoom-bar';
    var title = document.createElement('span');
    title.textContent = '放大阅读:滚轮或双指缩放,拖动移动;点选热区阅读文章';
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = '关闭';
    close.addEventListener('click', function () { dialog.close(); });
    // Arrow keys pan the zoomed page; they must not reach site.js, which turns the page.
    dialog.addEventListener('keydown', function (ev) { ev.stopPropagation(); });
    bar.appendChild(title);
    bar.appendChild(close);
    var area = document.createElement('div');
    area.className = 'zoom-viewer';
    dialog.appendChild(bar);
    dialog.appendChild(area);
    sheet.appendChild(dialog);
    return { dialog: dialog, area: area };
  }

  /** The hotspots, cloned into an OpenSeadragon overlay that follows the zoomed image; each region stays a link. */
  function addHotspots(viewer, image, area) {
    var svg = image.querySelector('svg.hotspots');
    if (!svg) return;
    var overlay = svg.cloneNode(true);
    overlay.setAttribute('class', 'hotspots zoom-hotspots');
    var box = svg.viewBox.baseVal;
    viewer.addOverlay({ element: overlay, location: new window.OpenSeadragon.Rect(0, 0, 1, box.height / box.width) });
    // The viewer captures the pointer, so a click lands on its canvas: follow the link under the pointer.
    viewer.addHandler('canvas-click', function (ev) {
      if (!ev.quick || !ev.originalEvent) return;
      var hits = document.elementsFromPoint(ev.originalEvent.clientX, ev.originalEvent.clientY);
      for (var i = 0; i < hits.length; i++) {
        var link = hits[i].closest ? hits[i].closest('a[href]') : null;
        if (link && area.contains(link)) {
          window.location.href = link.href.baseVal || link.getAttribute('href');
          return;
        }
      }
    });
  }

  function setupZoom() {
    var image = document.getElementById('page-image');
    var link = document.querySelector('.zoom-link[data-zoom="viewer"]');
    if (!image || !link || typeof HTMLDialogElement !== 'function') return;
    var parts = null;
    var viewer = null;
    link.setAttribute('role', 'button');
    link.addEventListener('click', function (ev) {
      ev.preventDefault();
      if (!parts) parts = buildDialog(image.parentNode);
      parts.dialog.showModal();
      if (viewer) return;
      loadViewer(image.getAttribute('data-zoom-viewer'), function () {
        if (viewer) return;
        var OSD = window.OpenSeadragon;
        // OpenSeadragon injects a <style> for touch screens unless one marked like this exists;
        // the strict CSP would block it. An inert element (not HTML, so never a style sheet) marks
        // it as present, and site.css carries its one rule.
        if (!document.querySelector('style[data-openseadragon-mobile-css]')) {
          var marker = document.createElementNS('urn:x-epaper:inert', 'style');
          marker.setAttribute('data-openseadragon-mobile-css', 'true');
          document.head.appendChild(marker);
        }
        OSD.setString('Tooltips.ZoomIn', '放大');
        OSD.setString('Tooltips.ZoomOut', '缩小');
        OSD.setString('Tooltips.Home', '整版');
        OSD.setString('Tooltips.FullPage', '全屏');
        viewer = OSD({
          element: parts.area,
          prefixUrl: image.getAttribute('data-zoom-images'),
          tileSources: image.getAttribute('data-zoom-info'),
          showRotationControl: false,
          visibilityRatio: 0.5,
          gestureSettingsMouse: { clickToZoom: false },
          gestureSettingsTouch: { clickToZoom: false },
        });
        viewer.addOnceHandler('open', function () { addHotspots(viewer, image, parts.area); });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setupRegions();
    setupZoom();
  });
})();
