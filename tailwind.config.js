/** Tailwind CSS configuration; the stylesheet entry is styles/app.css (built into public/css). */
export default {
  content: ['./views/**/*.ejs', './client/**/*.ts'],
  theme: {
    extend: {
      fontFamily: {
        sans: ['system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'Helvetica Neue', 'Arial', 'sans-serif'],
      },
    },
  },
};
