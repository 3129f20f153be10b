/**
 * Which plotly trace type draws the viewer's lines. WebGL (scattergl) is the fast path on a GPU;
 * where WebGL is rasterised in software (SwiftShader, llvmpipe: VMs, remote desktops, GPU-less
 * machines) each pan or zoom of a WebGL plot costs seconds, while the decimated lines (at most two
 * points per pixel column and trace) draw as SVG in a fraction of that. Decided once per session.
 */
export type LineTrace = 'scattergl' | 'scatter';

let decided: LineTrace | null = null;

export function lineTraceType(): LineTrace {
  if (decided) return decided;
  let renderer = '';
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    renderer = '';
  }
  decided = renderer && !/swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer) ? 'scattergl' : 'scatter';
  return decided;
}
