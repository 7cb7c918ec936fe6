// A long list of boxes (the regions) gets a search field: typing narrows the list to the
// entries containing the words, ticked ones stay. Without JavaScript the whole list shows,
// ticked ones first, in German alphabetical order.
(function () {
  "use strict";
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  document.querySelectorAll("[data-pick-filter]").forEach(function (input) {
    var list = document.getElementById(input.dataset.pickFilter);
    var count = document.getElementById(input.dataset.pickFilter + "_count");
    if (!list) return;
    input.closest(".pick__search").hidden = false;
    var options = Array.prototype.slice.call(list.children);
    input.addEventListener("input", function () {
      var words = plain(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var text = plain(option.textContent);
        var box = option.querySelector("input");
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !(match || (box && box.checked));
        if (!option.hidden) shown += 1;
      });
      count.textContent = words.length ? shown + " / " + options.length : "";
    });
  });
})();
