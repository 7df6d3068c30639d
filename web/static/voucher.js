// The voucher order form: add and remove lines, and show each line's price
// and the total as the user types. The server prices the order again; its
// price is the one charged. Rule O-6: with f FQDNs and w wildcard names a
// certificate costs (f >= 1 ? base + (f - 1) * fqdn : 0) + w * wildcard.
//
// The page offers each line's product and validity as one select of the
// contract's "productID:years" pairs, which works without this script. The
// script shows two selects instead — the product, then only the years the
// contract prices for it — and keeps the pair in the original select, now
// hidden, which is what the form posts. A product that takes no FQDNs (or
// no wildcard names) has those inputs disabled at 0; the server reads an
// input that is not posted as 0.
(function () {
  "use strict";
  var form = document.getElementById("voucher-form");
  if (!form) return;
  var lines = document.getElementById("lines");
  var template = document.getElementById("line-template");
  var yen = new Intl.NumberFormat("ja-JP");

  function num(row, name) {
    var el = row.querySelector("[data-field='" + name + "']");
    var n = parseInt(el ? el.value : "", 10);
    return isNaN(n) ? 0 : n;
  }

  function chosen(row) {
    var opt = row.querySelector("select[data-field='product']").selectedOptions[0];
    return opt && opt.value ? opt : null;
  }

  function linePrice(row) {
    var opt = chosen(row);
    if (!opt) return null;
    var q = num(row, "quantity"), f = num(row, "fqdns"), w = num(row, "wildcards");
    var base = +opt.dataset.base, fqdn = +opt.dataset.fqdn, wild = +opt.dataset.wild;
    if (q < 1 || q > 1000) return null;
    if (opt.dataset.names !== "yes") return f + w === 0 ? q * base : null;
    if (f < 0 || w < 0 || f + w < 1 || f + w > 250) return null;
    if (w > 0 && opt.dataset.wildcards !== "yes") return null;
    return q * ((f >= 1 ? base + (f - 1) * fqdn : 0) + w * wild);
  }

  // takes enables a count input, giving back what the user had typed, or
  // disables it at 0 for a product that does not take it.
  function takes(input, yes) {
    if (!input || input.disabled === !yes) return;
    if (yes) {
      input.value = input.dataset.typed !== undefined ? input.dataset.typed : input.defaultValue;
      delete input.dataset.typed;
    } else {
      input.dataset.typed = input.value;
      input.value = "0";
    }
    input.disabled = !yes;
  }

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  // split replaces row's product-and-years select by a product select and
  // a years select; the hidden original keeps the pair the form posts.
  function split(row) {
    var pair = row.querySelector("select[data-field='product']");
    if (!pair || pair.hidden) return;
    var offers = {}, product = document.createElement("select"), years = document.createElement("select");
    var none = pair.options[0] ? pair.options[0].textContent : "";
    product.dataset.choice = "product";
    years.dataset.choice = "years";
    product.setAttribute("aria-label", pair.dataset.labelProduct);
    years.setAttribute("aria-label", pair.dataset.labelYears);
    product.appendChild(option("", none));
    Array.prototype.forEach.call(pair.options, function (o) {
      if (!o.value) return;
      var id = o.value.split(":")[0];
      if (!offers[id]) {
        offers[id] = [];
        product.appendChild(option(id, o.dataset.name));
      }
      offers[id].push(o);
    });

    function fillYears(keep) {
      years.replaceChildren(option("", none));
      (offers[product.value] || []).forEach(function (o) {
        years.appendChild(option(o.dataset.years, o.dataset.yearsLabel));
      });
      years.disabled = !product.value;
      if (!product.value) return;
      var offered = Array.prototype.some.call(years.options, function (o) { return o.value && o.value === keep; });
      years.value = offered ? keep : years.options[1].value;
    }

    function post() {
      pair.value = product.value && years.value ? product.value + ":" + years.value : "";
      update();
    }

    var now = pair.value.split(":");
    product.value = offers[now[0]] ? now[0] : "";
    fillYears(now[1] || "");
    product.addEventListener("change", function () { fillYears(years.value); post(); });
    years.addEventListener("change", post);
    pair.hidden = true;
    [product, years].forEach(function (s) { // one above the other in the cell
      var box = document.createElement("div");
      box.appendChild(s);
      pair.parentNode.insertBefore(box, pair);
    });
  }

  function update() {
    var total = 0, complete = true;
    lines.querySelectorAll(".line").forEach(function (row, i) {
      row.querySelectorAll("[data-field]").forEach(function (el) {
        el.name = "line" + i + "_" + el.dataset.field;
      });
      var opt = chosen(row);
      var token = row.querySelector("[data-field='ship_token']");
      if (token) token.closest("label").hidden = !(opt && opt.dataset.token === "yes");
      takes(row.querySelector("[data-field='fqdns']"), !opt || opt.dataset.names === "yes");
      takes(row.querySelector("[data-field='wildcards']"), !opt || opt.dataset.wildcards === "yes");
      var p = linePrice(row);
      row.querySelector(".line-price").textContent = p === null ? "—" : "¥" + yen.format(p);
      if (p === null) complete = false; else total += p;
    });
    document.getElementById("total").textContent = complete ? "¥" + yen.format(total) : "—";
  }

  document.getElementById("add-line").addEventListener("click", function () {
    var row = template.content.firstElementChild.cloneNode(true);
    lines.appendChild(row);
    split(row);
    update();
  });
  lines.addEventListener("click", function (e) {
    if (e.target.classList.contains("remove-line") && lines.querySelectorAll(".line").length > 1) {
      e.target.closest(".line").remove();
      update();
    }
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function () {
    form.querySelector("button[type=submit]").disabled = true;
  });
  lines.querySelectorAll(".line").forEach(split);
  update();
})();
