// "Use my position": fill latitude, longitude (and accuracy) from the phone's GPS.
(function () {
  var button = document.getElementById("use-gps");
  if (!button || !navigator.geolocation) { if (button) button.hidden = true; return; }
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      var set = function (name, value) {
        var input = document.querySelector("[name=" + name + "]");
        if (input) input.value = value;
      };
      set("lat", pos.coords.latitude.toFixed(7));
      set("lon", pos.coords.longitude.toFixed(7));
      set("accuracy_m", pos.coords.accuracy.toFixed(1));
    }, function (err) { alert(err.message); }, { enableHighAccuracy: true, timeout: 20000 });
  });
})();
