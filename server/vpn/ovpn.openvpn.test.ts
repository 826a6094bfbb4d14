// Differential test against the real OpenVPN client (Debian's openvpn 2.6): for each config,
// what OpenVPN parsed must be what our reader read, and a config the API accepts must leave
// OpenVPN with no local file, directory or program to use. See server/test/openvpn.ts for how
// OpenVPN is made to stop right after printing its settings.
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../lib/errors.ts';
import { canonical, localEffects, MARKER_SCRIPT, OPENVPN, openvpnParse } from '../test/openvpn.ts';
import { validateOvpn } from './ovpn.ts';
import { OvpnSyntaxError, readOvpn } from './ovpn-reader.ts';
import { ACCEPTED, ATTACKS, VARIANTS } from './ovpn.corpus.ts';

const refused = (config: string) => {
  try {
    validateOvpn(config);
  } catch (error) {
    if (error instanceof InvalidConfigError) return true;
    throw error;
  }
  return false;
};

if (!OPENVPN && process.env.CI) {
  it('openvpn_isInstalled_forTheDifferentialTest', () => {
    throw new Error('openvpn is not installed: the .ovpn differential test cannot run (apt-get install -y openvpn)');
  });
} else if (!OPENVPN) {
  console.warn('SKIPPED: the .ovpn differential test needs openvpn (apt-get install -y openvpn); with CI=true it fails instead');
  describe.skip('ovpn differential test: SKIPPED, openvpn is not installed (apt-get install -y openvpn)', () => {
    it('needs /usr/sbin/openvpn', () => {});
  });
} else {
  describe('ovpn against the real OpenVPN client', () => {
    for (const [what, config] of Object.entries(ATTACKS)) {
      it(`attack_${what}_openvpnSeesUpButTheApiRefusesIt`, () => {
        const view = openvpnParse(config);
        // The proof that the file is an attack: OpenVPN itself parsed an `up` script from it.
        expect(view.settings).toContain(`  up_script = '${MARKER_SCRIPT}'`);
        expect(view.ranScript).toBe(false);
        expect(refused(config)).toBe(true);
      });
    }

    it('attack_genkeyInConfig_overwritesAFileButTheApiRefusesIt', () => {
      const config = `${ACCEPTED.minimal!}genkey secret precious.txt\n`;
      const view = openvpnParse(config, { 'precious.txt': 'precious\n' });
      expect(view.files['precious.txt']).toMatch(/BEGIN OpenVPN Static key/);
      expect(refused(config)).toBe(true);
    });

    it('attack_authUserPassFile_sendsALocalFileButTheApiRefusesIt', () => {
      const config = ACCEPTED.minimal!.replace('auth-user-pass\n', 'auth-user-pass /etc/hostname\n');
      expect(openvpnParse(config).settings).toContain("  auth_user_pass_file = '/etc/hostname'");
      expect(refused(config)).toBe(true);
    });

    for (const [what, config] of Object.entries({ ...ACCEPTED, ...VARIANTS, ...ATTACKS })) {
      it(`reader_${what}_readsWhatOpenvpnReads`, () => {
        const view = openvpnParse(config);
        expect(view.ranScript).toBe(false);
        let directives;
        try {
          directives = readOvpn(config);
        } catch (error) {
          // The reader refuses exactly the files OpenVPN refuses to read.
          expect(error).toBeInstanceOf(OvpnSyntaxError);
          expect(view.settings, `OpenVPN read a file the reader refused: ${(error as Error).message}`).toBeUndefined();
          expect(view.errors.length).toBeGreaterThan(0);
          return;
        }
        const again = openvpnParse(canonical(directives));
        expect(view.settings).toEqual(again.settings);
        expect(view.errors).toEqual(again.errors);
      });
    }

    for (const [what, config] of Object.entries({ ...ACCEPTED, ...VARIANTS })) {
      it(`accepted_${what}_leavesOpenvpnNothingLocalToUse`, () => {
        if (refused(config)) return;
        const view = openvpnParse(config);
        expect(view.errors).toEqual([]);
        expect(view.settings).toBeDefined();
        expect(localEffects(view.settings!)).toEqual([]);
      });
    }

    it('corpus_acceptedConfigs_areAcceptedByTheApi', () => {
      for (const [what, config] of Object.entries(ACCEPTED)) expect(refused(config), what).toBe(false);
    });
  });
}
