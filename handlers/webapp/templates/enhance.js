(function () {
  var tg = window.Telegram && window.Telegram.WebApp;
  if (!tg || !tg.initData) { return; }
  var root = document.documentElement;
  var names = {bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
    button_color: "--button", button_text_color: "--button-text", secondary_bg_color: "--card"};
  function theme() {
    var params = tg.themeParams || {};
    for (var key in names) {
      if (Object.prototype.hasOwnProperty.call(names, key) && params[key]) {
        root.style.setProperty(names[key], params[key]);
      }
    }
  }
  theme();
  root.classList.add("in-telegram");
  if (tg.onEvent) { tg.onEvent("themeChanged", theme); }
  var home = document.body.getAttribute("data-home");
  if (tg.BackButton) {
    if (document.body.hasAttribute("data-is-home")) {
      tg.BackButton.hide();
    } else {
      tg.BackButton.onClick(function () {
        if (window.history.length > 1) { window.history.back(); } else { window.location.href = home; }
      });
      tg.BackButton.show();
    }
  }
  if (tg.ready) { tg.ready(); }
})();
