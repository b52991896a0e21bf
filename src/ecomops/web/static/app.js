// ecomops console: draws the charts embedded as JSON, copies Markdown, shows upload progress.
// Loaded as a file (the Content-Security-Policy allows no inline scripts).
"use strict";

function drawCharts() {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("div.chart[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.dataset.figure);
    if (!source || div.dataset.drawn) return;
    drawFigure(div, JSON.parse(source.textContent));
  });
}

function drawFigure(div, fig) {
  Plotly.newPlot(div, fig.data, fig.layout, {displaylogo: false, responsive: true})
    .then(function () { div.dataset.drawn = "1"; });
}

function loadCharts() {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("div.charts[data-src]").forEach(function (box) {
    if (box.dataset.loading) return;
    box.dataset.loading = "1";
    fetch(box.dataset.src, {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (figures) {
        box.querySelectorAll("div.chart[data-key]").forEach(function (div) {
          if (figures[div.dataset.key]) drawFigure(div, figures[div.dataset.key]);
        });
      })
      .catch(function () { box.classList.add("failed"); });
  });
}

function copyButtons() {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = document.getElementById(button.dataset.copy);
      area.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(area.value); }
      else { document.execCommand("copy"); }
      button.classList.add("copied");
    });
  });
}

function uploadProgress() {
  document.querySelectorAll("form.upload").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var bar = form.querySelector("progress"), status = form.querySelector(".upload-status");
      var max = Number(form.dataset.maxBytes), files = form.querySelector("input[type=file]").files;
      for (var i = 0; i < files.length; i++) {
        if (files[i].size > max) { event.preventDefault(); status.textContent = status.dataset.tooLarge; return; }
      }
      if (!window.XMLHttpRequest || !window.FormData) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; };
      xhr.upload.onload = function () { status.textContent = status.dataset.importing; };
      xhr.onload = function () {
        if (xhr.responseURL) { window.location = xhr.responseURL; }
        else { document.open(); document.write(xhr.responseText); document.close(); }
      };
      xhr.send(new FormData(form));
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  drawCharts();
  copyButtons();
  uploadProgress();
});
window.addEventListener("load", function () { drawCharts(); loadCharts(); });
