// An experiment for bench/experiments/crop_cost.py, not shipped (slower on this VM): the crops
// cut on the GPU. The frame is uploaded once per frame as a WebGL2 texture and each crop is
// one draw of a size x size square whose pixels sample the frame through the inverse of the
// tracker's image->crop matrix, read back as RGBA bytes. Beside the canvas 2D cropper
// (web/engine/cropper.js) it would save the per-crop pass over the whole frame and, for a
// video, the copy of every frame into a CPU canvas.

// Bilinear filtering with clamp-to-edge is MediaPipe's BORDER_REPLICATE as it is; for the
// detector's BORDER_ZERO letterbox the sample is scaled by how much of its 2x2 neighbourhood
// lies inside the image (OpenCV's zero padding, which is separable).
const VERTEX = `#version 300 es
void main() {
  vec2 corner = vec2(float((gl_VertexID & 1) << 2), float((gl_VertexID & 2) << 1));
  gl_Position = vec4(corner - 1.0, 0.0, 1.0);
}`;

const FRAGMENT = `#version 300 es
precision highp float;
uniform sampler2D frame;
uniform mat3 cropToImage;
uniform vec2 imageSize;
uniform bool zeroBorder;
out vec4 colour;
void main() {
  // Framebuffer row 0 is read back first, so crop row v is drawn at gl_FragCoord.y = v + 0.5.
  vec2 p = (cropToImage * vec3(gl_FragCoord.xy, 1.0)).xy;
  colour = texture(frame, p / imageSize);
  if (zeroBorder) {
    vec2 inside = clamp(min(p + 0.5, imageSize + 0.5 - p), 0.0, 1.0);
    colour.rgb *= inside.x * inside.y;
  }
  colour.a = 1.0;
}`;

export class GlCropper {
  #gl;
  #uniforms;
  #texture;
  #frame = null; // the source whose pixels the texture holds (for this frame)
  #width = 0;
  #height = 0;

  // A GlCropper, or null where this browser has no WebGL2 (the canvas cropper then cuts).
  static create() {
    const canvas = globalThis.OffscreenCanvas
      ? new OffscreenCanvas(1, 1)
      : document.createElement("canvas");
    const options = { alpha: false, antialias: false, depth: false, stencil: false };
    let gl = null;
    try {
      gl = canvas.getContext("webgl2", { ...options, preserveDrawingBuffer: false });
    } catch {
      return null;
    }
    if (!gl) return null;
    try {
      return new GlCropper(gl);
    } catch {
      return null;
    }
  }

  constructor(gl) {
    this.#gl = gl;
    const program = gl.createProgram();
    for (const [type, source] of [
      [gl.VERTEX_SHADER, VERTEX],
      [gl.FRAGMENT_SHADER, FRAGMENT],
    ]) {
      const shader = gl.createShader(type);
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
        throw new Error(`GlCropper: ${gl.getShaderInfoLog(shader)}`);
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS))
      throw new Error(`GlCropper: ${gl.getProgramInfoLog(program)}`);
    gl.useProgram(program);
    const at = (name) => gl.getUniformLocation(program, name);
    this.#uniforms = {
      cropToImage: at("cropToImage"),
      imageSize: at("imageSize"),
      zeroBorder: at("zeroBorder"),
    };
    gl.uniform1i(at("frame"), 0);
    this.#texture = gl.createTexture();
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.#texture);
    for (const [key, value] of [
      [gl.TEXTURE_MIN_FILTER, gl.LINEAR],
      [gl.TEXTURE_MAG_FILTER, gl.LINEAR],
      [gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE],
      [gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE],
    ])
      gl.texParameteri(gl.TEXTURE_2D, key, value);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  }

  // The frame's pixels as they are now (a video moves on): uploaded once, cropped many times.
  setFrame(source, width, height) {
    const gl = this.#gl;
    gl.bindTexture(gl.TEXTURE_2D, this.#texture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source);
    this.#frame = source;
    this.#width = width;
    this.#height = height;
  }

  // m: image->crop matrix in setTransform(a, b, c, d, e, f) order (as Cropper.crop takes it).
  // Returns size * size * 4 RGBA bytes, row 0 first.
  crop(source, width, height, m, replicate, size) {
    if (source !== this.#frame || width !== this.#width || height !== this.#height)
      this.setFrame(source, width, height);
    const gl = this.#gl;
    const canvas = gl.canvas;
    if (canvas.width < size || canvas.height < size) {
      canvas.width = Math.max(canvas.width, size);
      canvas.height = Math.max(canvas.height, size);
    }
    gl.viewport(0, 0, size, size);
    // Inverse of [[a c e] [b d f] [0 0 1]], column-major for uniformMatrix3fv.
    const [a, b, c, d, e, f] = m;
    const det = a * d - b * c;
    const ia = d / det;
    const ib = -b / det;
    const ic = -c / det;
    const id = a / det;
    const ie = -(ia * e + ic * f);
    const iF = -(ib * e + id * f);
    gl.uniformMatrix3fv(this.#uniforms.cropToImage, false, [ia, ib, 0, ic, id, 0, ie, iF, 1]);
    gl.uniform2f(this.#uniforms.imageSize, width, height);
    gl.uniform1i(this.#uniforms.zeroBorder, replicate ? 0 : 1);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    const rgba = new Uint8Array(size * size * 4);
    gl.readPixels(0, 0, size, size, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
    return rgba;
  }
}
