package dev.sluice.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

/**
 * The quickstart's small shop: categories, products with decimal prices and JSON attributes, and orders with
 * timestamps with and without a zone. {@link #create} builds and fills it once; {@link #liveChange} makes one
 * insert, update or delete, as an application would while the pipeline runs.
 */
final class Shop {

    static final List<String> CATEGORIES = List.of(
            "apparel", "books", "electronics", "food", "furniture", "garden", "grocery", "health", "toys");

    private final Random random = new Random(20261122);

    /** Creates and fills the tables unless they exist; true if it created them. */
    boolean create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (exists(statement)) {
                return false;
            }
            statement.execute("CREATE TABLE category (id int PRIMARY KEY, name text NOT NULL UNIQUE)");
            statement.execute("CREATE TABLE product (id int PRIMARY KEY, category_id int NOT NULL REFERENCES category,"
                    + " name text NOT NULL, price numeric(10,2) NOT NULL, attributes jsonb,"
                    + " added_on date NOT NULL)");
            statement.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, product_id int NOT NULL REFERENCES product,"
                    + " quantity int NOT NULL, total numeric(12,2) NOT NULL, status text NOT NULL,"
                    + " placed_at timestamptz NOT NULL, ship_by timestamp)");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO category VALUES (?, ?)")) {
            for (int i = 0; i < CATEGORIES.size(); i++) {
                insert.setInt(1, i + 1);
                insert.setString(2, CATEGORIES.get(i));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO product VALUES (?, ?, ?, ?::numeric, ?::jsonb, DATE '2026-01-01' + ?)")) {
            for (int id = 1; id <= 20; id++) {
                insert.setInt(1, id);
                insert.setInt(2, 1 + (id - 1) % CATEGORIES.size());
                insert.setString(3, CATEGORIES.get((id - 1) % CATEGORIES.size()) + " item " + id);
                insert.setString(4, (random.nextInt(19_900) + 100) / 100 + "." + String.format("%02d", random.nextInt(100)));
                insert.setString(5, "{\"colour\": \"" + List.of("red", "green", "blue", "black").get(id % 4)
                        + "\", \"tags\": [\"new\"], \"note\": \"crème brûlée ☕\"}");
                insert.setInt(6, id * 7);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        for (int i = 0; i < 30; i++) {
            placeOrder(connection);
        }
        return true;
    }

    private static boolean exists(Statement statement) throws SQLException {
        try (var result = statement.executeQuery("SELECT to_regclass('public.orders') IS NOT NULL")) {
            return result.next() && result.getBoolean(1);
        }
    }

    /** Makes one change: mostly new orders, some status updates and price changes, a few cancellations. */
    String liveChange(Connection connection) throws SQLException {
        int dice = random.nextInt(10);
        if (dice < 5) {
            long id = placeOrder(connection);
            return "insert order " + id;
        }
        try (Statement statement = connection.createStatement()) {
            if (dice < 8) {
                int rows = statement.executeUpdate("UPDATE orders SET status = 'shipped' WHERE id = "
                        + "(SELECT min(id) FROM orders WHERE status = 'placed')");
                return rows == 0 ? "no order to ship" : "update an order to shipped";
            }
            if (dice < 9) {
                int product = 1 + random.nextInt(20);
                statement.executeUpdate("UPDATE product SET price = price * 1.10 WHERE id = " + product);
                return "update the price of product " + product;
            }
            int rows = statement.executeUpdate("DELETE FROM orders WHERE id = "
                    + "(SELECT max(id) FROM orders WHERE status = 'placed')");
            return rows == 0 ? "no order to cancel" : "delete a cancelled order";
        }
    }

    private long placeOrder(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO orders (product_id, quantity, total, status, placed_at, ship_by)"
                        + " SELECT id, ?, price * ?, 'placed', now(), localtimestamp(0) + interval '2 days'"
                        + " FROM product WHERE id = ? RETURNING id")) {
            int quantity = 1 + random.nextInt(5);
            insert.setInt(1, quantity);
            insert.setInt(2, quantity);
            insert.setInt(3, 1 + random.nextInt(20));
            try (var result = insert.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
