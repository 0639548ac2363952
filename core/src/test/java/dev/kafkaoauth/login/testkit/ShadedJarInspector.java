package dev.kafkaoauth.login.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Reads a shaded jar and lists what breaks the rules of DESIGN.md section 2. */
public final class ShadedJarInspector {

    /** Our packages; relocated libraries sit under {@code dev/kafkaoauth/login/shaded/}. */
    public static final String OURS = "dev/kafkaoauth/login/";
    private static final String SHADED = OURS + "shaded/";
    private static final List<String> UNRELOCATED = List.of("com/nimbusds/",
            "com/github/benmanes/", "com/google/gson/", "net/jcip/");

    private final List<String> classes = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Manifest manifest;

    public ShadedJarInspector(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            this.manifest = file.getManifest();
            for (JarEntry e : Collections.list(file.entries())) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                if (name.endsWith(".class")) {
                    classes.add(name);
                    inspectClass(name, file.getInputStream(e).readAllBytes());
                } else {
                    resources.add(name);
                    if (name.startsWith("META-INF/services/")) {
                        inspectService(name, new String(file.getInputStream(e).readAllBytes(),
                                StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private void inspectClass(String name, byte[] bytes) {
        String path = name.replaceFirst("^META-INF/versions/[0-9]+/", "");
        if (!path.startsWith(OURS)) {
            problems.add("class outside " + OURS + ": " + name);
        }
        // Constant pools name every type a class uses: an unrelocated reference shows there.
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String prefix : UNRELOCATED) {
            for (int at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
                char before = at == 0 ? ' ' : text.charAt(at - 1);
                // Part of a longer name or of a URL in a string (gson's help links), not a type.
                boolean partOfLongerName = before == '.' || before == '/';
                if (!partOfLongerName) {
                    problems.add(name + " refers to unrelocated " + prefix);
                    break;
                }
            }
        }
    }

    private void inspectService(String name, String content) {
        String service = name.substring("META-INF/services/".length());
        for (String line : (service + "\n" + content).split("\n")) {
            String type = line.replaceAll("#.*", "").trim();
            boolean jdk = type.startsWith("java.") || type.startsWith("javax.");
            if (!type.isEmpty() && !jdk && !type.startsWith("dev.kafkaoauth.login.")) {
                problems.add("service file " + name + " names unrelocated " + type);
            }
        }
    }

    public List<String> classes() {
        return classes;
    }

    public List<String> resources() {
        return resources;
    }

    /** Rule violations: classes outside our packages, unrelocated references. */
    public List<String> problems() {
        return problems;
    }

    public String manifestAttribute(String name) {
        return manifest == null ? null : manifest.getMainAttributes().getValue(name);
    }

    public boolean hasClass(String binaryName) {
        return classes.contains(binaryName.replace('.', '/') + ".class");
    }
}
