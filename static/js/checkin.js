// The check-in desk (templates/events/checkin.html) and the badges' print button.
// The code field works on its own: a USB scanner types the code and Enter. Here: the field is
// emptied and focused again after each answer, and the camera reads QR codes with the browser's
// BarcodeDetector, or with jsQR (static/vendor/jsqr, loaded only when needed) where it has none.
(() => {
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  const form = document.getElementById("checkin-code-form");
  if (!form) return;
  const field = form.querySelector("input[name=code]");

  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt === form) {
      field.value = "";
      field.focus();
    }
  });

  const box = document.querySelector(".checkin-camera");
  const start = document.getElementById("checkin-camera-start");
  const stop = document.getElementById("checkin-camera-stop");
  const video = document.getElementById("checkin-video");
  const status = document.getElementById("checkin-camera-status");
  if (!box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  start.hidden = false;

  let stream = null;
  let last = { code: "", at: 0 };
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  const loadJsQR = () =>
    new Promise((resolve, reject) => {
      if (window.jsQR) return resolve(window.jsQR);
      const script = document.createElement("script");
      script.src = box.dataset.jsqr;
      script.onload = () => resolve(window.jsQR);
      script.onerror = reject;
      document.head.appendChild(script);
    });

  const makeReader = async () => {
    if ("BarcodeDetector" in window) {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async () => {
          const codes = await detector.detect(video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    }
    const jsQR = await loadJsQR();
    return async () => {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      if (!canvas.width) return null;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return found ? found.data : null;
    };
  };

  const found = (code) => {
    const now = Date.now();
    // The same badge stays in front of the camera for a while: send it once.
    if (code === last.code && now - last.at < 4000) return;
    last = { code, at: now };
    field.value = code;
    form.requestSubmit();
  };

  const halt = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  };

  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
      video.srcObject = stream;
      await video.play();
      const read = await makeReader();
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      status.textContent = "";
      const tick = async () => {
        if (!stream) return;
        try {
          const code = await read();
          if (code) found(code);
        } catch (error) {
          // A frame that cannot be read yet (camera warming up): try the next one.
        }
        setTimeout(tick, 200);
      };
      tick();
    } catch (error) {
      halt();
      status.textContent = box.dataset.cameraError;
    }
  });
  stop.addEventListener("click", halt);
  window.addEventListener("pagehide", halt);
})();
