// 上报 form: "使用当前位置" fills the hidden latitude and longitude from the phone's position (the browser asks the
// user first). Without JavaScript, or where the browser gives no position, the button stays hidden or says so, and
// the address typed is the location.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) { return; }
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var status = document.getElementById("locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lon.value = position.coords.longitude.toFixed(6);
      status.textContent = "已定位：" + lat.value + ", " + lon.value;
    }, function () {
      status.textContent = "无法获取当前位置，请填写地点。";
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
}());
